import type { CompatFinding } from './compat-finding';

type Schema = Record<string, unknown>;

// Keywords that document but do not validate; a minor may change them freely.
const ANNOTATIONS = new Set([
  '$id',
  '$schema',
  '$comment',
  'title',
  'description',
  'default',
  'examples',
  'deprecated',
  'readOnly',
  'writeOnly',
]);

const CONSTRAINTS = [
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
  'uniqueItems',
  'minProperties',
  'maxProperties',
] as const;

const HANDLED = new Set<string>([
  ...CONSTRAINTS,
  'type',
  'anyOf',
  'enum',
  'const',
  'format',
  'pattern',
  'properties',
  'required',
  'additionalProperties',
  'patternProperties',
  'items',
  'prefixItems',
]);

function asSchema(value: unknown): Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Schema)
    : {};
}

function show(value: unknown): string {
  return value === undefined ? 'none' : JSON.stringify(value);
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortDeep(a)) === JSON.stringify(sortDeep(b));
}

function sortDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortDeep);
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1));
  return Object.fromEntries(entries.map(([k, v]) => [k, sortDeep(v)]));
}

/** The JSON types a schema admits, from `type` or from its anyOf branches. */
function typesOf(schema: Schema): string[] {
  const types = new Set<string>();
  if (typeof schema.type === 'string') types.add(schema.type);
  if (Array.isArray(schema.type)) for (const t of schema.type) types.add(String(t));
  if (Array.isArray(schema.anyOf))
    for (const branch of schema.anyOf) for (const t of typesOf(asSchema(branch))) types.add(t);
  return [...types].sort();
}

/** Allowed values when the schema is an enum (enum keyword, or anyOf of consts); else undefined. */
function enumOf(schema: Schema): unknown[] | undefined {
  if (Array.isArray(schema.enum)) return schema.enum;
  if (!Array.isArray(schema.anyOf) || schema.anyOf.length === 0) return undefined;
  const branches = schema.anyOf.map(asSchema);
  return branches.every((b) => 'const' in b) ? branches.map((b) => b.const) : undefined;
}

/** anyOf branches keyed by their single type, so a nullable field diffs its non-null branch. */
function branchesByType(schema: Schema): Map<string, Schema> | undefined {
  if (!Array.isArray(schema.anyOf)) return undefined;
  const byType = new Map<string, Schema>();
  for (const branch of schema.anyOf.map(asSchema)) {
    const types = typesOf(branch);
    if (types.length !== 1 || byType.has(types[0] as string)) return undefined;
    byType.set(types[0] as string, branch);
  }
  return byType;
}

function diffNode(prev: Schema, next: Schema, path: string, out: CompatFinding[]): void {
  const prevTypes = typesOf(prev);
  const nextTypes = typesOf(next);
  if (prevTypes.join() !== nextTypes.join()) {
    out.push({ path, kind: 'type_changed', detail: `${show(prevTypes)} -> ${show(nextTypes)}` });
    return;
  }

  if ('const' in prev || 'const' in next) {
    if (!sameJson(prev.const, next.const)) {
      out.push({
        path,
        kind: 'const_changed',
        detail: `${show(prev.const)} -> ${show(next.const)}`,
      });
    }
  }

  const prevEnum = enumOf(prev);
  const nextEnum = enumOf(next);
  if (prevEnum !== undefined || nextEnum !== undefined) {
    const removed =
      prevEnum === undefined
        ? ['(any)']
        : prevEnum.filter((v) => !nextEnum?.some((n) => sameJson(n, v)));
    const added =
      nextEnum === undefined
        ? ['(any)']
        : nextEnum.filter((v) => !prevEnum?.some((p) => sameJson(p, v)));
    // Old consumers check newer minors against their own schema, so a new value breaks them too.
    if (removed.length > 0)
      out.push({ path, kind: 'enum_narrowed', detail: `removed ${show(removed)}` });
    if (added.length > 0) out.push({ path, kind: 'enum_widened', detail: `added ${show(added)}` });
  } else if (Array.isArray(prev.anyOf) || Array.isArray(next.anyOf)) {
    const prevBranches = branchesByType(prev);
    const nextBranches = branchesByType(next);
    if (prevBranches !== undefined && nextBranches !== undefined) {
      for (const [type, branch] of prevBranches) {
        diffNode(branch, nextBranches.get(type) ?? {}, path, out);
      }
    } else if (!sameJson(prev.anyOf, next.anyOf)) {
      out.push({ path, kind: 'type_changed', detail: 'anyOf branches changed' });
    }
  }

  if (prev.format !== next.format) {
    out.push({
      path,
      kind: 'format_changed',
      detail: `${show(prev.format)} -> ${show(next.format)}`,
    });
  }
  if (prev.pattern !== next.pattern) {
    out.push({
      path,
      kind: 'pattern_changed',
      detail: `${show(prev.pattern)} -> ${show(next.pattern)}`,
    });
  }
  for (const keyword of CONSTRAINTS) {
    if (!sameJson(prev[keyword], next[keyword])) {
      out.push({
        path,
        kind: 'constraint_changed',
        detail: `${keyword} ${show(prev[keyword])} -> ${show(next[keyword])}`,
      });
    }
  }

  diffObject(prev, next, path, out);

  diffItems(prev, next, path, out);

  const keywords = new Set([...Object.keys(prev), ...Object.keys(next)]);
  for (const keyword of keywords) {
    if (HANDLED.has(keyword) || ANNOTATIONS.has(keyword)) continue;
    if (!sameJson(prev[keyword], next[keyword])) {
      out.push({
        path,
        kind: 'keyword_changed',
        detail: `${keyword} ${show(prev[keyword])} -> ${show(next[keyword])}`,
      });
    }
  }
}

/** Item schemas by position: draft-07 `items: [...]` (what TypeBox exports) or 2020-12 `prefixItems`. */
function tupleOf(schema: Schema): unknown[] | undefined {
  if (Array.isArray(schema.prefixItems)) return schema.prefixItems;
  return Array.isArray(schema.items) ? schema.items : undefined;
}

function diffItems(prev: Schema, next: Schema, path: string, out: CompatFinding[]): void {
  const prevTuple = tupleOf(prev);
  const nextTuple = tupleOf(next);
  if (prevTuple === undefined && nextTuple !== undefined) {
    out.push({ path, kind: 'type_changed', detail: 'list -> tuple' });
    return;
  }
  if (prevTuple !== undefined && nextTuple === undefined) {
    out.push({ path, kind: 'type_changed', detail: 'tuple -> list' });
    return;
  }
  if (prevTuple !== undefined && nextTuple !== undefined) {
    for (let i = 0; i < Math.max(prevTuple.length, nextTuple.length); i += 1) {
      const at = `${path}/${i}`;
      if (i < prevTuple.length && i < nextTuple.length) {
        diffNode(asSchema(prevTuple[i]), asSchema(nextTuple[i]), at, out);
      } else {
        const change = i < prevTuple.length ? 'removed' : 'added';
        out.push({ path: at, kind: 'type_changed', detail: `tuple item ${i} ${change}` });
      }
    }
  }
  // The schema of every item of a list, or of the items after a prefixItems tuple.
  const prevRest = Array.isArray(prev.items) ? undefined : prev.items;
  const nextRest = Array.isArray(next.items) ? undefined : next.items;
  if (typeof prevRest === 'boolean' || typeof nextRest === 'boolean') {
    if (prevRest !== nextRest) {
      out.push({
        path,
        kind: 'keyword_changed',
        detail: `items ${show(prevRest)} -> ${show(nextRest)}`,
      });
    }
  } else if (prevRest !== undefined || nextRest !== undefined) {
    diffNode(asSchema(prevRest), asSchema(nextRest), `${path}/*`, out);
  }
}

function diffObject(prev: Schema, next: Schema, path: string, out: CompatFinding[]): void {
  const prevProps = asSchema(prev.properties);
  const nextProps = asSchema(next.properties);
  const prevRequired = new Set(Array.isArray(prev.required) ? prev.required : []);
  const nextRequired = new Set(Array.isArray(next.required) ? next.required : []);
  const closed = prev.additionalProperties === false;

  for (const [name, schema] of Object.entries(prevProps)) {
    const at = `${path}/${name}`;
    if (!Object.hasOwn(nextProps, name)) {
      out.push({ path: at, kind: 'field_removed', detail: `${name} is gone` });
      continue;
    }
    if (!prevRequired.has(name) && nextRequired.has(name)) {
      out.push({ path: at, kind: 'field_became_required', detail: `${name} was optional` });
    }
    if (prevRequired.has(name) && !nextRequired.has(name)) {
      out.push({ path: at, kind: 'field_became_optional', detail: `consumers rely on ${name}` });
    }
    diffNode(asSchema(schema), asSchema(nextProps[name]), at, out);
  }
  for (const name of Object.keys(nextProps)) {
    if (Object.hasOwn(prevProps, name)) continue;
    const at = `${path}/${name}`;
    if (nextRequired.has(name)) {
      out.push({
        path: at,
        kind: 'required_field_added',
        detail: `older producers do not send ${name}`,
      });
    } else if (closed) {
      out.push({
        path: at,
        kind: 'field_added_to_closed_object',
        detail: `older consumers reject ${name}`,
      });
    }
  }

  // A required name with no property schema: any value passes, but it must be sent.
  for (const name of nextRequired) {
    if (typeof name !== 'string' || Object.hasOwn(nextProps, name) || prevRequired.has(name)) {
      continue;
    }
    out.push({
      path: `${path}/${name}`,
      kind: 'required_field_added',
      detail: `older producers do not send ${name} (required, with no property schema)`,
    });
  }

  if (closed && next.additionalProperties !== false) {
    // Newer producers may then send fields that consumers of the closed minor reject.
    out.push({
      path,
      kind: 'additional_properties_loosened',
      detail: 'unknown fields now accepted; older consumers still reject them',
    });
  } else if (!closed && next.additionalProperties === false) {
    out.push({
      path,
      kind: 'additional_properties_tightened',
      detail: 'unknown fields now rejected',
    });
  } else if (
    typeof prev.additionalProperties === 'object' ||
    typeof next.additionalProperties === 'object'
  ) {
    diffNode(
      asSchema(prev.additionalProperties),
      asSchema(next.additionalProperties),
      `${path}/*`,
      out,
    );
  }

  const prevPatterns = asSchema(prev.patternProperties);
  const nextPatterns = asSchema(next.patternProperties);
  for (const pattern of new Set([...Object.keys(prevPatterns), ...Object.keys(nextPatterns)])) {
    if (!(pattern in prevPatterns) || !(pattern in nextPatterns)) {
      out.push({
        path: `${path}/*`,
        kind: 'pattern_changed',
        detail: `property pattern ${pattern} added or removed`,
      });
    } else {
      diffNode(asSchema(prevPatterns[pattern]), asSchema(nextPatterns[pattern]), `${path}/*`, out);
    }
  }
}

/**
 * What makes `next` unsafe as a new minor of `previous`. Old consumers validate newer minors
 * against their own schema and new consumers still receive older minors, so a minor may only
 * add optional fields (and change annotations); [] means compatible.
 */
export function diffSchemas(previous: unknown, next: unknown): CompatFinding[] {
  const findings: CompatFinding[] = [];
  diffNode(asSchema(previous), asSchema(next), '', findings);
  return findings;
}
