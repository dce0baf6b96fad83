import type { TSchema } from '@sinclair/typebox';

export type JsonSchema = Record<string, unknown>;

/** Keys whose values are data, not schemas: an `$id` inside them is not a schema's name. */
const DATA_KEYS = new Set(['const', 'default', 'enum', 'examples', 'example']);
/** Keys whose values map names to schemas. */
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', '$defs', 'dependentSchemas']);
const COMPONENT_NAME = /^[A-Za-z0-9._-]+$/;

/**
 * Collects named schemas (TypeBox `$id`) into `components/schemas` and refers to them by `$ref`,
 * so a schema shared by several routes is documented once. TypeBox's symbol keys are dropped.
 */
export class SchemaComponents {
  readonly schemas: Record<string, JsonSchema> = {};
  private readonly sources = new Map<string, string>();

  /** The schema as it appears in an operation: a `$ref` if named, an inline copy otherwise. */
  use(schema: TSchema): JsonSchema {
    return this.walk(schema) as JsonSchema;
  }

  private register(id: string, node: Record<string, unknown>): JsonSchema {
    if (!COMPONENT_NAME.test(id)) throw new Error(`schema $id "${id}" is not a component name`);
    const source = JSON.stringify(node);
    const known = this.sources.get(id);
    if (known !== undefined && known !== source) {
      throw new Error(`two different schemas are named "${id}"`);
    }
    if (known === undefined) {
      this.sources.set(id, source);
      const { $id: _id, ...rest } = node;
      this.schemas[id] = this.copy(rest);
    }
    return { $ref: `#/components/schemas/${id}` };
  }

  private walk(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((v) => this.walk(v));
    if (value === null || typeof value !== 'object') return value;
    const node = value as Record<string, unknown>;
    if (typeof node.$id === 'string') return this.register(node.$id, node);
    return this.copy(node);
  }

  private copy(node: Record<string, unknown>): JsonSchema {
    const out: JsonSchema = {};
    for (const [key, child] of Object.entries(node)) {
      if (DATA_KEYS.has(key)) out[key] = structuredClone(child);
      else if (SCHEMA_MAPS.has(key) && child !== null && typeof child === 'object') {
        // Keys of `properties` are field names (a field may be called `default`): all schemas.
        out[key] = Object.fromEntries(
          Object.entries(child).map(([name, schema]) => [name, this.walk(schema)]),
        );
      } else out[key] = this.walk(child);
    }
    return out;
  }
}
