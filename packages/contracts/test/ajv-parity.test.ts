import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { catalog, type EventType } from '../src/catalog';
import { createEnvelope } from '../src/create-envelope';
import { examples } from '../src/examples';
import { formats } from '../src/formats';
import { eventSchemaFile } from '../src/json-schema/schema-files';
import { parseFiles, readCommittedFiles } from '../src/json-schema/schema-store';
import { parseEnvelope } from '../src/parse-envelope';
import {
  badFormatCases,
  eventTypes,
  fractionCases,
  requiredFieldCases,
  withField,
  wrongTypeCases,
} from './payload-cases';

// The exported files, validated by Ajv with the same formats, must judge like parseEnvelope.
const files = parseFiles(await readCommittedFiles());
const ajv = new Ajv({ allErrors: true });
for (const [name, check] of Object.entries(formats)) ajv.addFormat(name, check);
const validators = new Map(
  eventTypes.map((t) => [t, ajv.compile(files[eventSchemaFile(t, catalog[t].latest)] as object)]),
);
const validateEnvelope = ajv.compile(files['schemas/envelope.json'] as object);

function baseEnvelope(eventType: EventType) {
  return createEnvelope(eventType, examples[eventType] as never, { correlationId: 'corr-1' });
}

function envelope(eventType: EventType, payload: unknown) {
  return { ...baseEnvelope(eventType), payload };
}

function agree(eventType: EventType, event: unknown, expected: boolean): void {
  const ours = parseEnvelope(JSON.stringify(event)).ok;
  const theirs = validators.get(eventType)?.(event);
  expect({ ours, theirs }).toEqual({ ours: expected, theirs: expected });
}

describe('Ajv on the exported schemas agrees with parseEnvelope', () => {
  it.each(eventTypes)('%s: valid example', (eventType) => {
    agree(eventType, baseEnvelope(eventType), true);
    expect(validateEnvelope(baseEnvelope(eventType))).toBe(true);
  });

  const invalid = [
    ...requiredFieldCases(),
    ...wrongTypeCases(),
    ...fractionCases(),
    ...badFormatCases(),
  ];
  it.each(invalid)('$eventType: $field $why', ({ eventType, field, value }) => {
    agree(eventType, envelope(eventType, withField(eventType, field, value)), false);
  });

  const event = baseEnvelope('gpuaas.provisioning.active');
  it.each([
    ['event_id', 'nope'],
    ['occurred_at', '2026-02-30T00:00:00Z'],
    ['occurred_at', '2026-01-15T00:00:00+00:00'],
    ['version', '1.0.0'],
    ['correlation_id', ''],
    ['extra', 'field'],
  ])('envelope %s = %j', (field, value) => {
    const broken = { ...event, [field]: value };
    agree('gpuaas.provisioning.active', broken, false);
    expect(validateEnvelope(broken)).toBe(false);
  });
});
