import { type TObject, type TSchema, Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { catalog } from '../catalog';
import type { CatalogEntry } from '../catalog-entry';
import { buildSchemaFiles, type SchemaFileSet } from '../json-schema/schema-files';
import { checkCompat } from './check-compat';

const V1_0 = Type.Object({
  user_id: Type.String(),
  order_id: Type.String(),
  amount: Type.Integer(),
});
const additive = Type.Object({ ...V1_0.properties, note: Type.Optional(Type.String()) });
const breaking = Type.Object({ user_id: Type.String(), order_id: Type.String() });

function files(
  versions: Record<string, TObject>,
  idempotencyKey: readonly ('order_id' | 'user_id')[] = ['order_id'],
): SchemaFileSet {
  const latest = Object.keys(versions).sort().at(-1) as string;
  // A plain CatalogEntry: the versions vary per case, so defineEvent's key check cannot apply.
  const entry: CatalogEntry = {
    eventType: 'test.order.placed',
    producer: 'orchestrator',
    producerLabel: 'Test',
    consumers: ['ops'],
    consumerLabels: ['Ops'],
    idempotencyKey,
    notes: '',
    versions,
    latest,
  };
  return buildSchemaFiles({ 'test.order.placed': entry });
}

const published = files({ '1.0': V1_0 });
const FILE_1_0 = 'schemas/test.order.placed/1.0.json';
const FILE_1_1 = 'schemas/test.order.placed/1.1.json';

const kinds = (snapshots: SchemaFileSet, current: SchemaFileSet) =>
  checkCompat(snapshots, current).map(({ kind, path }) => ({ kind, path }));

describe('checkCompat', () => {
  it('passes the committed catalog against itself', () => {
    const current = buildSchemaFiles(catalog);
    expect(checkCompat(structuredClone(current), current)).toEqual([]);
  });

  it('passes an additive optional field under a new minor', () => {
    expect(checkCompat(published, files({ '1.0': V1_0, '1.1': additive }))).toEqual([]);
  });

  it('passes a breaking change under a new major', () => {
    expect(checkCompat(published, files({ '1.0': V1_0, '2.0': breaking }))).toEqual([]);
  });

  it('fails when a published version changed at all', () => {
    expect(kinds(published, files({ '1.0': additive }))).toEqual([
      { kind: 'published_schema_changed', path: FILE_1_0 },
    ]);
    expect(kinds(published, files({ '1.0': breaking }))).toEqual([
      { kind: 'published_schema_changed', path: FILE_1_0 },
      { kind: 'field_removed', path: `${FILE_1_0}#/payload/amount` },
    ]);
  });

  it('fails a breaking change under a new minor and says to bump the major', () => {
    const findings = checkCompat(published, files({ '1.0': V1_0, '1.1': breaking }));
    expect(findings).toEqual([
      {
        kind: 'field_removed',
        path: `${FILE_1_1}#/payload/amount`,
        detail: expect.stringContaining('publish it as 2.0'),
      },
    ]);
  });

  it('compares a new minor with the previous minor, published or not', () => {
    const current = files({ '1.0': V1_0, '1.1': additive, '1.2': breaking });
    expect(kinds(published, current)).toEqual([
      { kind: 'field_removed', path: 'schemas/test.order.placed/1.2.json#/payload/amount' },
      { kind: 'field_removed', path: 'schemas/test.order.placed/1.2.json#/payload/note' },
    ]);
  });

  it('fails a new minor that retypes a tuple item, opens a closed object or requires an undeclared field', () => {
    const shaped = (pair: TSchema, limits: TObject) =>
      Type.Object({ ...V1_0.properties, pair: Type.Tuple([Type.String(), pair]), limits });
    const closed = Type.Object({ max: Type.Integer() }, { additionalProperties: false });
    const before = shaped(Type.Integer(), closed);
    const after = shaped(Type.String(), Type.Object({ max: Type.Integer() }));
    const undeclared = { ...before, required: [...(before.required ?? []), 'ghost'] };
    const findings = kinds(
      files({ '1.0': before }),
      files({ '1.0': before, '1.1': after, '1.2': undeclared }),
    );
    expect(findings).toEqual([
      { kind: 'type_changed', path: `${FILE_1_1}#/payload/pair/1` },
      { kind: 'additional_properties_loosened', path: `${FILE_1_1}#/payload/limits` },
      { kind: 'type_changed', path: 'schemas/test.order.placed/1.2.json#/payload/pair/1' },
      {
        kind: 'additional_properties_tightened',
        path: 'schemas/test.order.placed/1.2.json#/payload/limits',
      },
      { kind: 'required_field_added', path: 'schemas/test.order.placed/1.2.json#/payload/ghost' },
    ]);
  });

  it('fails when a published version disappears', () => {
    const withMinor = files({ '1.0': V1_0, '1.1': additive });
    expect(kinds(withMinor, published)).toEqual([{ kind: 'version_removed', path: FILE_1_1 }]);
  });

  it('fails when the envelope changes', () => {
    // biome-ignore lint/suspicious/noExplicitAny: the test edits an arbitrary schema in place
    const current = structuredClone(published) as Record<string, any>;
    current['schemas/envelope.json'].properties.correlation_id.maxLength = 128;
    expect(kinds(published, current)).toEqual([
      { kind: 'published_schema_changed', path: 'schemas/envelope.json' },
      { kind: 'constraint_changed', path: 'schemas/envelope.json#/correlation_id' },
    ]);
  });

  it('fails when an idempotency key changes', () => {
    expect(kinds(published, files({ '1.0': V1_0 }, ['order_id', 'user_id']))).toEqual([
      { kind: 'idempotency_key_changed', path: 'catalog.json#/test.order.placed/idempotencyKey' },
    ]);
  });
});
