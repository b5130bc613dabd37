/**
 * The lab's schema validators, one kind per part of the request (protocol.md, "Validation"):
 *
 * - a JSON **body** is taken as sent: no type coercion, so `"text": 5` is refused, never
 *   stored as `"5"` (the WebSocket `publish` op refuses the same input);
 * - **query strings, path parameters and headers** are text on the wire: their numbers and
 *   booleans are coerced from strings, as Fastify does by default — but a number that
 *   coerces to ±Infinity (`1e309`, `Infinity`) is refused. Ajv's coercion runs after its type
 *   check, and it skips `minimum`/`maximum` for a non-finite number, so without this check
 *   `since=1e309` passed a schema of "an integer from 0 to 2^53 − 1".
 *
 * Unknown body fields are refused (never silently removed) in every part.
 */
import AjvCompiler from '@fastify/ajv-compiler';
import type { FastifyServerOptions } from 'fastify';

type SchemaController = NonNullable<FastifyServerOptions['schemaController']>;
type BuildValidator = NonNullable<
  NonNullable<SchemaController['compilersFactory']>['buildValidator']
>;
type ValidatorCompiler = ReturnType<BuildValidator>;
type RouteSchema = Parameters<ValidatorCompiler>[0];

interface ValidationIssue {
  instancePath: string;
  schemaPath: string;
  keyword: string;
  params: Record<string, unknown>;
  message: string;
}

/** The first number in `data` (a query, params or headers object) that is not finite, and where. */
export function nonFiniteNumberPath(data: unknown, path = ''): string | null {
  if (typeof data === 'number') return Number.isFinite(data) ? null : path;
  if (data === null || typeof data !== 'object') return null;
  // Runs on every query and params object: nothing is made unless a number is not finite.
  for (const key in data) {
    if (!Object.hasOwn(data, key)) continue;
    const value = (data as Record<string, unknown>)[key];
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) return `${path}/${key}`;
    } else if (value !== null && typeof value === 'object') {
      const found = nonFiniteNumberPath(value, `${path}/${key}`);
      if (found !== null) return found;
    }
  }
  return null;
}

/** A validator as Fastify calls it: true or false, with Ajv's `errors` on a false. */
interface Validator {
  (data: unknown, context?: unknown): unknown;
  errors?: unknown;
  schema?: unknown;
  schemaEnv?: unknown;
}

/** Wraps a coercing validator so that a value coerced to ±Infinity fails like a bad type. */
function refusingNonFinite<V>(ajvValidate: V): V {
  // Ajv's function type ties `errors` and the context to its generics; only the call shape matters here.
  const validate = ajvValidate as unknown as Validator;
  const wrapped: Validator = (data, context) => {
    const valid = validate(data, context);
    wrapped.errors = validate.errors;
    if (valid !== true) return valid;
    const path = nonFiniteNumberPath(data);
    if (path === null) return true;
    const issue: ValidationIssue = {
      instancePath: path,
      schemaPath: '#/type',
      keyword: 'type',
      params: { type: 'finite number' },
      message: 'must be a finite number',
    };
    wrapped.errors = [issue];
    return false;
  };
  // Fastify passes the parent object to a validator that has one (Ajv's), so that a root value can change.
  wrapped.schemaEnv = validate.schemaEnv;
  wrapped.schema = validate.schema;
  // The same call shape and fields as Ajv's own function (what Fastify reads of it).
  return wrapped as unknown as V;
}

/**
 * `schemaController.compilersFactory.buildValidator`: two Ajv pools from Fastify's own
 * compiler, one coercing (query, params, headers) and one not (body).
 */
export const buildLabValidator: BuildValidator = (externalSchemas, ajvServerOptions) => {
  const options = (ajvServerOptions ?? {}) as { customOptions?: Record<string, unknown> };
  const base = { ...options, customOptions: { ...options.customOptions, removeAdditional: false } };
  const pool = AjvCompiler();
  const schemas = (externalSchemas ?? {}) as Parameters<typeof pool>[0];
  const coercing = pool(schemas, {
    ...base,
    customOptions: { ...base.customOptions, coerceTypes: 'array' },
  });
  const strict = pool(schemas, {
    ...base,
    customOptions: { ...base.customOptions, coerceTypes: false },
  });
  return (route: RouteSchema) => {
    const definition = route as Parameters<typeof coercing>[0];
    if (route.httpPart === 'body') return strict(definition);
    return refusingNonFinite(coercing(definition));
  };
};

/** The Fastify options that install them (spread into `Fastify({ … })`). */
export const labValidation = {
  // Unknown fields are refused, never silently removed.
  ajv: { customOptions: { removeAdditional: false } },
  schemaController: { compilersFactory: { buildValidator: buildLabValidator } },
} satisfies Pick<FastifyServerOptions, 'ajv' | 'schemaController'>;
