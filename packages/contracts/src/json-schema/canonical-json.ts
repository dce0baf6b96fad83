// Maps keyed by field names keep declaration order (it mirrors the code); keywords are sorted.
const NAME_MAPS = new Set(['properties', 'patternProperties', '$defs', 'definitions']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A JSON Schema with a stable key order, independent of how TypeBox happened to build it. */
export function canonicalSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(canonicalSchema);
  if (!isRecord(node)) return node;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(node).sort()) {
    const value = node[key];
    if (NAME_MAPS.has(key) && isRecord(value)) {
      const names: Record<string, unknown> = {};
      for (const [name, schema] of Object.entries(value)) names[name] = canonicalSchema(schema);
      out[key] = names;
    } else {
      out[key] = canonicalSchema(value);
    }
  }
  return out;
}

/** Two-space JSON with a trailing newline: the form every generated file is committed in. */
export function toJsonFile(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
