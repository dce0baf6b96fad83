import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { SchemaComponents } from './schema-components';

describe('SchemaComponents', () => {
  it('hoists named schemas, nested ones too, and refers to them', () => {
    const Money = Type.Object({ amount_micros: Type.Integer() }, { $id: 'Money' });
    const Line = Type.Object({ price: Money, default: Type.String() }, { $id: 'Line' });
    const components = new SchemaComponents();
    expect(components.use(Type.Array(Line))).toEqual({
      type: 'array',
      items: { $ref: '#/components/schemas/Line' },
    });
    expect(components.schemas.Line).toMatchObject({
      properties: { price: { $ref: '#/components/schemas/Money' }, default: { type: 'string' } },
    });
    expect(components.schemas.Money).toMatchObject({ type: 'object' });
    expect(JSON.stringify(components.schemas)).not.toContain('$id');
  });

  it('leaves data alone and refuses two schemas under one name', () => {
    const components = new SchemaComponents();
    const withDefault = Type.Object({ meta: Type.Any({ default: { $id: 'not-a-schema' } }) });
    expect(components.use(withDefault)).toMatchObject({
      properties: { meta: { default: { $id: 'not-a-schema' } } },
    });
    components.use(Type.String({ $id: 'Name' }));
    expect(() => components.use(Type.Integer({ $id: 'Name' }))).toThrow(/two different schemas/);
  });
});
