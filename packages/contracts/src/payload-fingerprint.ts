import { createHash } from 'node:crypto';
import type { TObject } from '@sinclair/typebox';
import { catalog } from './catalog';
import type { CatalogEntry } from './catalog-entry';
import { canonicalTimestampSuffix } from './catalog-queries';
import { ContractError } from './contract-error';
import { canonicalTimestamp, isRfc3339Utc } from './formats';
import { compareVersions, parseVersion } from './version';

/** Nesting a known value may have; deeper input is refused instead of overflowing the stack. */
export const MAX_FINGERPRINT_DEPTH = 64;

export type PayloadFingerprint = (eventType: string, version: string, payload: unknown) => string;

type Schema = Record<string, unknown>;

/** A JSON object: a schema node or an object value. */
function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function tooDeep(path: string): ContractError {
  return new ContractError('payload_invalid', [
    { path, message: `nested deeper than ${MAX_FINGERPRINT_DEPTH} levels` },
  ]);
}

function scalar(value: unknown, path: string): string {
  if (value === undefined) return 'null';
  const text = typeof value === 'bigint' ? undefined : JSON.stringify(value);
  if (text === undefined) {
    throw new ContractError('payload_invalid', [{ path, message: 'not a JSON value' }]);
  }
  return text;
}

/** JSON with keys sorted, of a value the schema says nothing more about; depth-bounded. */
function canonical(value: unknown, path: string, depth: number): string {
  if (Array.isArray(value) || isRecord(value)) {
    if (depth > MAX_FINGERPRINT_DEPTH) throw tooDeep(path);
  }
  if (Array.isArray(value)) {
    return `[${value.map((item, i) => canonical(item, `${path}/${i}`, depth + 1)).join(',')}]`;
  }
  if (isRecord(value)) {
    const fields: string[] = [];
    for (const key of Object.keys(value).sort()) {
      if (value[key] === undefined) continue;
      fields.push(`${JSON.stringify(key)}:${canonical(value[key], `${path}/${key}`, depth + 1)}`);
    }
    return `{${fields.join(',')}}`;
  }
  return scalar(value, path);
}

// One compiled list per schema node: patternProperties keys are regex sources.
const patternCache = new WeakMap<Schema, [RegExp, Schema][]>();

function patternsOf(schema: Schema): [RegExp, Schema][] {
  let patterns = patternCache.get(schema);
  if (patterns === undefined) {
    const source = isRecord(schema.patternProperties) ? schema.patternProperties : {};
    patterns = Object.entries(source)
      .filter((entry): entry is [string, Schema] => isRecord(entry[1]))
      .map(([pattern, value]) => [new RegExp(pattern), value]);
    patternCache.set(schema, patterns);
  }
  return patterns;
}

/** The single anyOf branch admitting `kind` (a nullable object, say), else undefined. */
function branchFor(schema: Schema, kind: 'array' | 'object'): Schema | undefined {
  if (!Array.isArray(schema.anyOf)) return undefined;
  const branches = schema.anyOf.filter((b): b is Schema => isRecord(b) && b.type === kind);
  return branches.length === 1 ? branches[0] : undefined;
}

// Declared names in sorted order, once per schema node.
const namesCache = new WeakMap<Schema, string[]>();

function sortedNames(properties: Schema): string[] {
  let names = namesCache.get(properties);
  if (names === undefined) {
    names = Object.keys(properties).sort();
    namesCache.set(properties, names);
  }
  return names;
}

function projectObject(
  schema: Schema,
  value: Record<string, unknown>,
  path: string,
  depth: number,
): string {
  const properties = isRecord(schema.properties) ? schema.properties : {};
  const patterns = patternsOf(schema);
  const rest = isRecord(schema.additionalProperties) ? schema.additionalProperties : undefined;
  // Only declared names are looked up, so unknown fields are never read, however many.
  const keys =
    patterns.length === 0 && rest === undefined
      ? sortedNames(properties).filter((key) => Object.hasOwn(value, key))
      : Object.keys(value).sort();
  const fields: string[] = [];
  for (const key of keys) {
    const field = value[key];
    if (field === undefined) continue;
    const declared = Object.hasOwn(properties, key) ? properties[key] : undefined;
    const known = isRecord(declared)
      ? declared
      : (patterns.find(([pattern]) => pattern.test(key))?.[1] ?? rest);
    // Not in the base minor: additive or unknown, so it does not take part.
    if (known === undefined) continue;
    fields.push(`${JSON.stringify(key)}:${project(known, field, `${path}/${key}`, depth + 1)}`);
  }
  return `{${fields.join(',')}}`;
}

function projectArray(schema: Schema, value: unknown[], path: string, depth: number): string {
  const tuple = Array.isArray(schema.prefixItems)
    ? schema.prefixItems
    : Array.isArray(schema.items)
      ? schema.items
      : undefined;
  if (tuple !== undefined) {
    // Items past the declared positions are not known to the base minor.
    const items = value.slice(0, tuple.length);
    const known = items.map((item, i) => {
      const itemSchema = tuple[i];
      return isRecord(itemSchema)
        ? project(itemSchema, item, `${path}/${i}`, depth + 1)
        : canonical(item, `${path}/${i}`, depth + 1);
    });
    return `[${known.join(',')}]`;
  }
  const itemSchema = schema.items;
  if (!isRecord(itemSchema)) return canonical(value, path, depth);
  return `[${value.map((item, i) => project(itemSchema, item, `${path}/${i}`, depth + 1)).join(',')}]`;
}

/** Canonical JSON of `value` restricted to what `schema` declares. */
function project(schema: Schema, value: unknown, path: string, depth: number): string {
  if (Array.isArray(value) || isRecord(value)) {
    if (depth > MAX_FINGERPRINT_DEPTH) throw tooDeep(path);
  }
  if (isRecord(value)) {
    const shape =
      isRecord(schema.properties) ||
      isRecord(schema.patternProperties) ||
      isRecord(schema.additionalProperties)
        ? schema
        : branchFor(schema, 'object');
    return shape === undefined
      ? canonical(value, path, depth)
      : projectObject(shape, value, path, depth);
  }
  if (Array.isArray(value)) {
    const shape =
      schema.items !== undefined || schema.prefixItems !== undefined
        ? schema
        : branchFor(schema, 'array');
    return shape === undefined
      ? canonical(value, path, depth)
      : projectArray(shape, value, path, depth);
  }
  // One instant, one spelling: the same rule as the idempotency key parts.
  if (typeof value === 'string' && isDateTime(schema) && isRfc3339Utc(value)) {
    return JSON.stringify(canonicalTimestamp(value));
  }
  return scalar(value, path);
}

function isDateTime(schema: Schema): boolean {
  if (schema.format === 'date-time') return true;
  return Array.isArray(schema.anyOf) && schema.anyOf.some((b) => isRecord(b) && isDateTime(b));
}

/** The lowest minor of each major: the fields every producer of that major sends. */
function baseMinors(entry: CatalogEntry): Map<number, { version: string; schema: TObject }> {
  const bases = new Map<number, { version: string; schema: TObject }>();
  for (const version of Object.keys(entry.versions).sort(compareVersions).reverse()) {
    const parts = parseVersion(version);
    const schema = entry.versions[version];
    if (parts !== undefined && schema !== undefined) bases.set(parts.major, { version, schema });
  }
  return bases;
}

/** Builds a fingerprint over a catalog (tests use their own); see payloadFingerprint. */
export function createPayloadFingerprint<C extends { readonly [T in keyof C]: CatalogEntry }>(
  source: C,
): PayloadFingerprint {
  const events = new Map<string, Map<number, { version: string; schema: TObject }>>();
  const keyFields = new Map<string, readonly string[]>();
  for (const entry of Object.values<CatalogEntry>(source)) {
    events.set(entry.eventType, baseMinors(entry));
    keyFields.set(entry.eventType, entry.idempotencyKey);
  }

  return function payloadFingerprint(eventType, version, payload) {
    const bases = events.get(eventType);
    if (bases === undefined) {
      throw new ContractError('unknown_event_type', [
        { path: '/event_type', message: `unknown event type ${eventType}` },
      ]);
    }
    const parts = parseVersion(version);
    if (parts === undefined) {
      throw new ContractError('envelope_invalid', [
        { path: '/version', message: `${JSON.stringify(version)} is not MAJOR.MINOR` },
      ]);
    }
    const base = bases.get(parts.major);
    if (base === undefined) {
      throw new ContractError('unsupported_major', [
        { path: '/version', message: `${eventType} has no major ${parts.major}` },
      ]);
    }
    if (!isRecord(payload)) {
      throw new ContractError('payload_invalid', [
        { path: '/payload', message: 'a payload must be an object' },
      ]);
    }
    // Key fields as the key writes them: one interval spelled two ways is one fact, not a conflict.
    const keyed: Record<string, unknown> = { ...payload };
    for (const field of keyFields.get(eventType) ?? []) {
      const value = keyed[field];
      if (typeof value === 'string') keyed[field] = canonicalTimestampSuffix(value);
    }
    const projected = projectObject(base.schema as Schema, keyed, '/payload', 0);
    return createHash('sha256').update(projected).digest('hex');
  };
}

/**
 * sha256 (hex) of the payload as sent, projected onto the fields its major's base minor
 * declares (e.g. '1.0' for a '1.3' message) and written as canonical JSON: keys sorted,
 * date-time values canonical. Unknown and additive fields take no part, so a producer's new
 * minor or a consumer's accepted majors never turn a true duplicate into a conflict.
 */
export const payloadFingerprint: PayloadFingerprint = createPayloadFingerprint(catalog);
