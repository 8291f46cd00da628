import { Type } from 'typebox';
import { describe, expect, it } from 'vitest';
import { createValidatorCompiler, describeValidationErrors } from './validation.js';

const schema = Type.Object(
  {
    phone: Type.String({ minLength: 1 }),
    kind: Type.Enum(['a', 'b']),
    tier: Type.Optional(Type.Union([Type.Literal('x'), Type.Literal('y'), Type.Null()])),
    count: Type.Optional(Type.Integer({ minimum: 1 })),
    nested: Type.Optional(Type.Object({ lng: Type.Number() }, { additionalProperties: false })),
  },
  { additionalProperties: false },
);

function validate(httpPart: 'body' | 'querystring', data: unknown) {
  const compile = createValidatorCompiler();
  const validator = compile({ schema, httpPart, method: 'POST', url: '/x' }) as (data: unknown) => {
    value?: unknown;
    error?: Error & { validation?: unknown };
  };
  return validator(data);
}

function fieldErrors(httpPart: 'body' | 'querystring', data: unknown) {
  const result = validate(httpPart, data);
  if (!result.error) return [];
  return describeValidationErrors(
    result.error.validation as Parameters<typeof describeValidationErrors>[0],
    httpPart,
  );
}

describe('request validation', () => {
  it('names every bad field of a body at once', () => {
    expect(fieldErrors('body', { kind: 'c', extra: 1, count: 0, nested: { lng: 'east' } })).toEqual(
      expect.arrayContaining([
        { field: '/phone', message: 'is required' },
        { field: '/extra', message: 'is not a known field' },
        { field: '/kind', message: 'must be one of "a", "b"' },
        { field: '/count', message: 'must be >= 1' },
        { field: '/nested/lng', message: 'must be number' },
      ]),
    );
  });

  it('summarises a union of literals as its allowed values', () => {
    expect(fieldErrors('body', { phone: '1', kind: 'a', tier: 'z' })).toEqual([
      { field: '/tier', message: 'must be one of "x", "y" or null' },
    ]);
  });

  it('does not coerce body types, but coerces query strings', () => {
    expect(fieldErrors('body', { phone: '1', kind: 'a', count: '3' })).toEqual([
      { field: '/count', message: 'must be integer' },
    ]);
    const query = validate('querystring', { phone: '1', kind: 'a', count: '3' });
    expect(query.error).toBeUndefined();
    expect(query.value).toMatchObject({ count: 3 });
    expect(fieldErrors('querystring', { phone: '1', kind: 'a', count: 'three' })).toEqual([
      { field: 'query/count', message: 'must be integer' },
    ]);
  });

  it('accepts a valid body unchanged', () => {
    const body = { phone: '13900000001', kind: 'b', tier: null, nested: { lng: 120.1 } };
    expect(validate('body', body)).toEqual({ value: body });
  });
});
