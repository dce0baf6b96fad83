import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import type { CompatFindingKind } from './compat-finding';
import { diffSchemas } from './schema-diff';

// biome-ignore lint/suspicious/noExplicitAny: the cases edit arbitrary schema shapes in place
type Json = Record<string, any>;

// A payload exercising every keyword the catalog uses, as exported JSON Schema.
const base: Json = JSON.parse(
  JSON.stringify(
    Type.Object({
      id: Type.String({ minLength: 1 }),
      count: Type.Integer({ minimum: 0 }),
      status: Type.Union([Type.Literal('open'), Type.Literal('closed')]),
      at: Type.String({ format: 'date-time' }),
      currency: Type.String({ pattern: '^[A-Z]{3}$' }),
      kind: Type.Literal('order'),
      note: Type.Optional(Type.String({ maxLength: 10 })),
      tags: Type.Array(Type.String()),
      dims: Type.Optional(Type.Record(Type.String(), Type.String())),
      until: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
      pair: Type.Tuple([Type.String(), Type.Integer()]),
      limits: Type.Object({ max: Type.Integer() }, { additionalProperties: false }),
    }),
  ),
);

function variant(change: (schema: Json) => void): Json {
  const copy = structuredClone(base);
  change(copy);
  return copy;
}

describe('diffSchemas finds what a new minor may not do', () => {
  it.each<[string, (s: Json) => void, CompatFindingKind, string]>([
    [
      'a field removed',
      (s) => {
        delete s.properties.count;
        s.required = s.required.filter((r: string) => r !== 'count');
      },
      'field_removed',
      '/count',
    ],
    [
      'a new required field',
      (s) => {
        s.properties.extra = { type: 'string' };
        s.required.push('extra');
      },
      'required_field_added',
      '/extra',
    ],
    [
      'an optional field made required',
      (s) => s.required.push('note'),
      'field_became_required',
      '/note',
    ],
    [
      'a required field made optional',
      (s) => {
        s.required = s.required.filter((r: string) => r !== 'id');
      },
      'field_became_optional',
      '/id',
    ],
    [
      'a type changed',
      (s) => {
        s.properties.count = { type: 'string' };
      },
      'type_changed',
      '/count',
    ],
    [
      'integer widened to number',
      (s) => {
        s.properties.count.type = 'number';
      },
      'type_changed',
      '/count',
    ],
    [
      'null no longer allowed',
      (s) => {
        s.properties.until = { type: 'string', format: 'date-time' };
      },
      'type_changed',
      '/until',
    ],
    [
      'array items retyped',
      (s) => {
        s.properties.tags.items = { type: 'integer' };
      },
      'type_changed',
      '/tags/*',
    ],
    [
      'record values retyped',
      (s) => {
        s.properties.dims.patternProperties['^(.*)$'] = { type: 'integer' };
      },
      'type_changed',
      '/dims/*',
    ],
    [
      'a tuple item retyped',
      (s) => {
        s.properties.pair.items[1] = { type: 'string' };
      },
      'type_changed',
      '/pair/1',
    ],
    [
      'a tuple item constrained',
      (s) => {
        s.properties.pair.items[0].minLength = 1;
      },
      'constraint_changed',
      '/pair/0',
    ],
    [
      'a tuple turned into a list',
      (s) => {
        s.properties.pair.items = { type: 'string' };
      },
      'type_changed',
      '/pair',
    ],
    [
      'a tuple item added',
      (s) => {
        s.properties.pair.items.push({ type: 'boolean' });
      },
      'type_changed',
      '/pair/2',
    ],
    ['an enum value removed', (s) => s.properties.status.anyOf.pop(), 'enum_narrowed', '/status'],
    [
      'an enum value added',
      (s) => s.properties.status.anyOf.push({ const: 'void', type: 'string' }),
      'enum_widened',
      '/status',
    ],
    [
      'an enum keyword narrowed',
      (s) => {
        s.properties.status = { type: 'string', enum: ['open'] };
      },
      'enum_narrowed',
      '/status',
    ],
    [
      'an enum put on a free string',
      (s) => {
        s.properties.id.enum = ['a', 'b'];
      },
      'enum_narrowed',
      '/id',
    ],
    [
      'a const changed',
      (s) => {
        s.properties.kind.const = 'refund';
      },
      'const_changed',
      '/kind',
    ],
    [
      'a const added',
      (s) => {
        s.properties.id.const = 'x';
      },
      'const_changed',
      '/id',
    ],
    [
      'a format added',
      (s) => {
        s.properties.id.format = 'uuid';
      },
      'format_changed',
      '/id',
    ],
    [
      'a format changed',
      (s) => {
        s.properties.at.format = 'date';
      },
      'format_changed',
      '/at',
    ],
    [
      'a format dropped',
      (s) => {
        delete s.properties.at.format;
      },
      'format_changed',
      '/at',
    ],
    [
      'a format changed inside a nullable',
      (s) => {
        s.properties.until.anyOf[0].format = 'date';
      },
      'format_changed',
      '/until',
    ],
    [
      'a pattern added',
      (s) => {
        s.properties.id.pattern = '^id_';
      },
      'pattern_changed',
      '/id',
    ],
    [
      'a pattern changed',
      (s) => {
        s.properties.currency.pattern = '^[A-Z]{3,4}$';
      },
      'pattern_changed',
      '/currency',
    ],
    [
      'a minimum raised',
      (s) => {
        s.properties.count.minimum = 1;
      },
      'constraint_changed',
      '/count',
    ],
    [
      'a maximum added',
      (s) => {
        s.properties.count.maximum = 10;
      },
      'constraint_changed',
      '/count',
    ],
    [
      'a maxLength loosened',
      (s) => {
        s.properties.note.maxLength = 20;
      },
      'constraint_changed',
      '/note',
    ],
    [
      'additionalProperties set to false',
      (s) => {
        s.additionalProperties = false;
      },
      'additional_properties_tightened',
      '',
    ],
    [
      'a nested object closed',
      (s) => {
        s.properties.dims.additionalProperties = false;
      },
      'additional_properties_tightened',
      '/dims',
    ],
    [
      'a nested closed object opened',
      (s) => {
        delete s.properties.limits.additionalProperties;
      },
      'additional_properties_loosened',
      '/limits',
    ],
    [
      'a nested closed object given an additionalProperties schema',
      (s) => {
        s.properties.limits.additionalProperties = { type: 'string' };
      },
      'additional_properties_loosened',
      '/limits',
    ],
    [
      'a required name with no property schema',
      (s) => s.required.push('ghost'),
      'required_field_added',
      '/ghost',
    ],
    [
      'a nested required name with no property schema',
      (s) => s.properties.limits.required.push('ghost'),
      'required_field_added',
      '/limits/ghost',
    ],
    [
      'an unhandled keyword added',
      (s) => {
        s.properties.id.not = { const: '' };
      },
      'keyword_changed',
      '/id',
    ],
  ])('%s', (_why, change, kind, path) => {
    expect(diffSchemas(base, variant(change))).toContainEqual(
      expect.objectContaining({ kind, path }),
    );
  });

  it('an optional field added to a closed object', () => {
    const closed = variant((s) => {
      s.additionalProperties = false;
    });
    const extended = variant((s) => {
      s.additionalProperties = false;
      s.properties.extra = { type: 'string' };
    });
    expect(diffSchemas(closed, extended)).toEqual([
      expect.objectContaining({ kind: 'field_added_to_closed_object', path: '/extra' }),
    ]);
  });

  it('a closed top-level object opened', () => {
    const closed = variant((s) => {
      s.additionalProperties = false;
    });
    expect(diffSchemas(closed, base)).toEqual([
      expect.objectContaining({ kind: 'additional_properties_loosened', path: '' }),
    ]);
  });

  it('a tuple item retyped in the prefixItems form', () => {
    const tuple = (second: Json): Json => ({
      type: 'object',
      properties: { pair: { type: 'array', prefixItems: [{ type: 'string' }, second] } },
      required: ['pair'],
    });
    expect(diffSchemas(tuple({ type: 'integer' }), tuple({ type: 'string' }))).toEqual([
      expect.objectContaining({ kind: 'type_changed', path: '/pair/1' }),
    ]);
    expect(diffSchemas(tuple({ type: 'integer' }), tuple({ type: 'integer' }))).toEqual([]);
  });

  it('reports details a reader can act on', () => {
    const [finding] = diffSchemas(
      base,
      variant((s) => {
        s.properties.count.minimum = 1;
      }),
    );
    expect(finding).toEqual({
      path: '/count',
      kind: 'constraint_changed',
      detail: 'minimum 0 -> 1',
    });
  });
});

describe('diffSchemas passes compatible minors', () => {
  it.each<[string, (s: Json) => void]>([
    ['nothing changed', () => {}],
    [
      'an additive optional field',
      (s) => {
        s.properties.region = { type: 'string', minLength: 1 };
      },
    ],
    [
      'an additive optional object field',
      (s) => {
        s.properties.meta = {
          type: 'object',
          properties: { a: { type: 'string' } },
          required: ['a'],
        };
      },
    ],
    [
      'descriptions and titles',
      (s) => {
        s.title = 'v1.1';
        s.properties.id.description = 'the id';
        s.$id = 'x/1.1.json';
      },
    ],
    [
      'key order',
      (s) => {
        s.properties = Object.fromEntries(Object.entries(s.properties).reverse());
        s.required.reverse();
      },
    ],
  ])('%s', (_why, change) => {
    expect(diffSchemas(base, variant(change))).toEqual([]);
  });
});
