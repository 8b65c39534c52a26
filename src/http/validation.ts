/**
 * Schema validation with two Ajv instances: bodies are checked strictly (no type coercion, so `"5"` is not a
 * number and a string is not a one-item array), while query strings and path params, which are always text,
 * are coerced to the declared types. Unknown body fields are errors, never silently dropped.
 */
import { Ajv, type Options } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

// ajv-formats is CommonJS; under NodeNext its default export is the module object.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

const common: Options = { removeAdditional: false, useDefaults: true, allErrors: false, strict: false };

/** Builds the validator compiler; `sharedSchemas` are the schemas added with app.addSchema (e.g. Error). */
export function createValidatorCompiler(sharedSchemas: readonly Record<string, unknown>[] = []): FastifySchemaCompiler<Record<string, unknown>> {
  const strict = addFormats(new Ajv({ ...common, coerceTypes: false }));
  const coercing = addFormats(new Ajv({ ...common, coerceTypes: 'array' }));
  for (const s of sharedSchemas) {
    strict.addSchema(s);
    coercing.addSchema(s);
  }
  return ({ schema, httpPart }) => {
    if (httpPart !== 'body') return coercing.compile(schema);
    const validate = strict.compile(schema);
    // No body at all is checked as an empty object, and handed to the handler as one, so a missing required
    // field is named ("name: is required") and a route whose fields are all optional accepts an empty POST.
    const check = (data: unknown) => {
      const value = data === undefined || data === null ? {} : data;
      const ok = validate(value);
      check.errors = validate.errors;
      return ok ? { value } : false;
    };
    check.errors = null as typeof validate.errors;
    return check;
  };
}
