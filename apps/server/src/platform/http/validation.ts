import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifyRouteSchemaDef, FastifySchemaCompiler } from 'fastify/types/schema.js';
import type { FieldProblem } from '../errors.js';

// ajv-formats ships CommonJS with `exports.default`; under NodeNext the callable sits on `.default`.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (
  ajv: Ajv,
) => Ajv;

function createAjv(coerceTypes: boolean | 'array'): Ajv {
  const ajv = new Ajv({
    // Unknown fields are an error, never silently dropped.
    removeAdditional: false,
    useDefaults: true,
    // Report every bad field at once, so a form can show them all.
    allErrors: true,
    coerceTypes,
    // TypeBox adds its own annotation keys; they are not validation keywords.
    strict: false,
    // Keep the failing schema on each error so unions can list their allowed values.
    verbose: true,
  });
  addFormats(ajv);
  return ajv;
}

/**
 * Bodies are validated strictly (JSON types must match); query strings, params and headers arrive
 * as text, so they are coerced ("10" → 10, "a" → ["a"]).
 */
export function createValidatorCompiler(): FastifySchemaCompiler<unknown> {
  const strict = createAjv(false);
  const coercing = createAjv('array');
  const cache = new WeakMap<object, ValidateFunction>();
  return ({ schema, httpPart }: FastifyRouteSchemaDef<unknown>) => {
    const ajv = httpPart === 'body' ? strict : coercing;
    const key = schema as object;
    let validate = httpPart === 'body' ? undefined : cache.get(key);
    if (!validate) {
      validate = ajv.compile(schema as object);
      if (httpPart !== 'body') cache.set(key, validate);
    }
    const compiled = validate;
    return (data: unknown) => {
      const valid = compiled(data);
      return valid
        ? { value: data }
        : { error: Object.assign(new Error('validation'), { validation: compiled.errors }) };
    };
  };
}

const PART_PREFIX: Record<string, string> = {
  body: '',
  querystring: 'query',
  params: 'path',
  headers: 'header',
};

function describeAnyOf(schema: unknown): string {
  const branches = Array.isArray(schema) ? (schema as Array<Record<string, unknown>>) : [];
  const constants = branches
    .filter((branch) => 'const' in branch)
    .map((branch) => JSON.stringify(branch.const));
  if (
    constants.length > 0 &&
    constants.length === branches.filter((b) => !('type' in b && b.type === 'null')).length
  ) {
    const allowsNull = branches.some((branch) => branch.type === 'null');
    return `must be one of ${constants.join(', ')}${allowsNull ? ' or null' : ''}`;
  }
  return 'does not match any allowed form';
}

/** Turns ajv errors into one problem per field, in words a client developer can act on. */
export function describeValidationErrors(errors: ErrorObject[], part: string | undefined): FieldProblem[] {
  const prefix = PART_PREFIX[part ?? 'body'] ?? part ?? '';
  const byField = new Map<string, string>();
  for (const error of errors) {
    let path = error.instancePath;
    let message = error.message ?? 'is invalid';
    const params = error.params as Record<string, unknown>;
    switch (error.keyword) {
      case 'required':
        path = `${path}/${String(params.missingProperty)}`;
        message = 'is required';
        break;
      case 'additionalProperties':
        path = `${path}/${String(params.additionalProperty)}`;
        message = 'is not a known field';
        break;
      case 'type':
        message = `must be ${String(params.type)}`;
        break;
      case 'enum':
        message = `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
        break;
      default:
        break;
    }
    const field = `${prefix}${path}` || '/';
    if (error.keyword === 'anyOf') {
      // A union's summary replaces whatever its branches said about the same field.
      byField.set(field, describeAnyOf(error.schema));
      continue;
    }
    const existing = byField.get(field);
    if (!existing) byField.set(field, message);
  }
  return [...byField.entries()].map(([field, message]) => ({ field, message }));
}
