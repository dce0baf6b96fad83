import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { ProblemError } from '../problem/problem-error';
import { createInputValidator } from './input-validator';

const problemOf = (run: () => unknown): ProblemError => {
  try {
    run();
  } catch (error) {
    if (error instanceof ProblemError) return error;
    throw error;
  }
  throw new Error('expected a problem');
};

describe('createInputValidator', () => {
  const Body = Type.Object(
    {
      gpu_count: Type.Integer({ minimum: 1, maximum: 8 }),
      gpu_type: Type.Union([Type.Literal('a100'), Type.Literal('h100')]),
      timeout: Type.Integer({ default: 600 }),
    },
    { additionalProperties: false },
  );

  it('returns the value with defaults applied', () => {
    expect(createInputValidator(Body, 'body')({ gpu_count: 2, gpu_type: 'a100' })).toEqual({
      gpu_count: 2,
      gpu_type: 'a100',
      timeout: 600,
    });
  });

  it('names each bad field once, by JSON pointer, with the part it is in', () => {
    const problem = problemOf(() => createInputValidator(Body, 'body')({ gpu_type: 'tpu', x: 1 }));
    expect(problem.status).toBe(400);
    expect(problem.reason).toBe('validation_failed');
    expect(problem.errors).toEqual([
      { pointer: '/gpu_count', in: 'body', detail: 'Expected required property' },
      { pointer: '/x', in: 'body', detail: 'Unexpected property' },
      { pointer: '/gpu_type', in: 'body', detail: 'Expected one of "a100", "h100"' },
    ]);
    expect(problem.toProblem().field).toBe('/gpu_count');
  });

  it('converts query strings, but never body strings, to numbers and booleans', () => {
    const Query = Type.Object({ limit: Type.Integer(), all: Type.Boolean() });
    expect(createInputValidator(Query, 'query')({ limit: '5', all: 'true' })).toEqual({
      limit: 5,
      all: true,
    });
    expect(() => createInputValidator(Query, 'body')({ limit: '5', all: 'true' })).toThrow(
      ProblemError,
    );
    const problem = problemOf(() =>
      createInputValidator(Query, 'query')({ limit: '5x', all: 'yes' }),
    );
    expect(problem.errors?.map((e) => [e.pointer, e.in])).toEqual([
      ['/limit', 'query'],
      ['/all', 'query'],
    ]);
  });

  it('reads a query number only from text that is exactly one, and names the field otherwise', () => {
    const Query = Type.Object({
      limit: Type.Optional(Type.Integer({ minimum: 1 })),
      ratio: Type.Optional(Type.Number()),
      size: Type.Optional(Type.Union([Type.Literal(8), Type.Literal(16)])),
    });
    const validate = createInputValidator(Query, 'query');
    expect(validate({ limit: '10', ratio: '-0.25', size: '16' })).toEqual({
      limit: 10,
      ratio: -0.25,
      size: 16,
    });
    expect(validate({ ratio: '1e3' })).toEqual({ ratio: 1000 });
    for (const limit of ['1.5', '1e2', '0x10', ' 2', '2.0', '', '01', '+3']) {
      const problem = problemOf(() => validate({ limit }));
      expect(
        problem.errors?.map((e) => e.pointer),
        limit,
      ).toEqual(['/limit']);
    }
    expect(problemOf(() => validate({ size: '12' })).errors?.[0]?.pointer).toBe('/size');
  });
});
