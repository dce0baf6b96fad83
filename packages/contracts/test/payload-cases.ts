import type { TObject } from '@sinclair/typebox';
import { catalog, type EventType } from '../src/catalog';
import { examples } from '../src/examples';

type JsonSchema = Record<string, unknown>;

export interface FieldCase {
  eventType: EventType;
  field: string;
  value: unknown;
  why: string;
}

/** The latest payload schema of each event as plain JSON Schema. */
export function payloadSchemaOf(
  eventType: EventType,
): JsonSchema & { properties: Record<string, JsonSchema>; required?: string[] } {
  const entry = catalog[eventType];
  const schema = (entry.versions as Record<string, TObject>)[entry.latest] as TObject;
  return JSON.parse(JSON.stringify(schema));
}

function typesOf(schema: JsonSchema): string[] {
  const own = typeof schema.type === 'string' ? [schema.type] : [];
  const branches = Array.isArray(schema.anyOf)
    ? (schema.anyOf as JsonSchema[]).flatMap(typesOf)
    : [];
  return [...own, ...branches];
}

function formatsOf(schema: JsonSchema): string[] {
  const own = typeof schema.format === 'string' ? [schema.format] : [];
  const branches = Array.isArray(schema.anyOf)
    ? (schema.anyOf as JsonSchema[]).flatMap(formatsOf)
    : [];
  return [...own, ...branches];
}

const BAD_FORMAT: Record<string, [string, unknown][]> = {
  uuid: [
    ['not a uuid', 'not-a-uuid'],
    ['uuid without dashes', '0f8fad5bd9cb469fa16570867728950e'],
  ],
  'date-time': [
    ['impossible date', '2026-02-30T10:00:00Z'],
    ['offset instead of Z', '2026-01-15T10:00:00+02:00'],
    ['no time zone', '2026-01-15T10:00:00'],
    ['not a timestamp', 'tomorrow'],
  ],
};

const BAD_CURRENCY: [string, unknown][] = [
  ['lower-case currency', 'usd'],
  ['two-letter currency', 'US'],
  ['currency name', 'dollar'],
];

export const eventTypes = Object.keys(catalog) as EventType[];

export function requiredFieldCases(): FieldCase[] {
  return eventTypes.flatMap((eventType) =>
    (payloadSchemaOf(eventType).required ?? []).map((field) => ({
      eventType,
      field,
      value: undefined,
      why: 'missing',
    })),
  );
}

/** Each field set to a value of a JSON type the schema does not admit. */
export function wrongTypeCases(): FieldCase[] {
  return eventTypes.flatMap((eventType) =>
    Object.entries(payloadSchemaOf(eventType).properties).map(([field, schema]) => ({
      eventType,
      field,
      value: typesOf(schema).includes('string') ? 42 : 'wrong',
      why: 'wrong type',
    })),
  );
}

/** Integers given a fraction: JSON has one number type, the schema must still say integer. */
export function fractionCases(): FieldCase[] {
  return eventTypes.flatMap((eventType) =>
    Object.entries(payloadSchemaOf(eventType).properties)
      .filter(([, schema]) => schema.type === 'integer')
      .map(([field]) => ({ eventType, field, value: 1.5, why: 'fraction for an integer' })),
  );
}

/** Bad uuid, timestamp and currency values for every field that carries one of those formats. */
export function badFormatCases(): FieldCase[] {
  return eventTypes.flatMap((eventType) =>
    Object.entries(payloadSchemaOf(eventType).properties).flatMap(([field, schema]) => {
      const cases = formatsOf(schema).flatMap((format) => BAD_FORMAT[format] ?? []);
      if (schema.pattern === '^[A-Z]{3}$') cases.push(...BAD_CURRENCY);
      return cases.map(([why, value]) => ({ eventType, field, value, why }));
    }),
  );
}

/** The example with one field replaced (or removed when `value` is undefined). */
export function withField(
  eventType: EventType,
  field: string,
  value: unknown,
): Record<string, unknown> {
  const payload: Record<string, unknown> = structuredClone(examples[eventType]);
  if (value === undefined) delete payload[field];
  else payload[field] = value;
  return payload;
}
