// Request and response validators compiled from the bundled spec with Ajv (JSON Schema 2020-12, the
// dialect of OpenAPI 3.1). No schema is restated here: the validators $ref into the spec itself.
import { _, Ajv2020, type Code, type CodeKeywordDefinition, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { documentedResponse, operation, operations, webhooks, type OperationInfo } from './operations.js';
import type { ValidationIssue, ValidationResult } from './issues.js';
import { childPointer as child, escapePointerSegment } from './json-pointer.js';
import { KIT_SCHEMA_KEYWORDS, type KitKeyword } from './keywords.js';
import { nodeAt, openapiDocument } from './spec.js';

export { formatValidationIssues, type ValidationIssue, type ValidationResult } from './issues.js';

export const SPEC_ID = 'ada-end-users.openapi.json'; // the bundled document's id in Ajv (standalone.ts refers to it too)

// ajv-formats is CommonJS with a default export; under NodeNext the default sits one level down.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (
  ajv: Ajv2020,
) => Ajv2020;

/**
 * The kit's Ajv: the spec's dialect, its formats, the kit's keywords and the whole bundled document.
 * `code` is Ajv's code option (standalone.ts asks for source to write out).
 */
export function createAjv(code?: { source: true; esm: true }): Ajv2020 {
  const ajv = new Ajv2020({
    ...(code ? { code } : {}),
    allErrors: true,
    strict: true,
    allowUnionTypes: true, // type arrays such as [string, 'null'] are how OpenAPI 3.1 spells nullable
    verbose: true, // errors carry their schema, for messages such as x-pattern-message
    strictRequired: false, // `not: {required: [sensitive_metadata]}` names a property on purpose
  });
  addFormats(ajv);
  // The kit's own keywords (keywords.ts): rules report their violations, annotations are known and inert.
  for (const [keyword, { schemaType, violations }] of Object.entries(KIT_SCHEMA_KEYWORDS)) {
    ajv.addKeyword(violations ? kitRule(keyword, schemaType, violations) : { keyword, schemaType });
  }
  // The whole document is added as one schema resource so that the spec's own $refs resolve as they
  // do for Prism; its top-level fields (openapi, info, paths, ...) are declared as inert keywords.
  ajv.addVocabulary(Object.keys(openapiDocument));
  ajv.addSchema(openapiDocument, SPEC_ID);
  return ajv;
}

/**
 * A kit rule as Ajv code (not a validate function, which Ajv cannot write out as standalone code): call
 * the rule's `violations` and report each as one error whose params are that violation.
 */
function kitRule(
  keyword: string,
  schemaType: KitKeyword['schemaType'],
  violations: NonNullable<KitKeyword['violations']>,
): CodeKeywordDefinition {
  return {
    keyword,
    schemaType,
    code(cxt) {
      const { gen, data, schemaCode } = cxt;
      // `code`: how standalone code names it (standalone.ts imports KIT_RULE_CHECKS as kitRules).
      const check = gen.scopeValue('func', { ref: violations, code: _`kitRules[${keyword}]` });
      const found = gen.const('violations', _`${check}(${schemaCode}, ${data})`);
      gen.forOf('violation', found, (violation) => {
        cxt.setParams({ violation });
        cxt.error();
      });
    },
    error: { message: `must keep ${keyword}`, params: ({ params }) => params.violation as Code },
  };
}

export { jsonByteLength } from './keywords.js';

let ajv: Ajv2020 | undefined;
const compiled = new Map<string, ValidateFunction>();

/**
 * The bare Ajv function for the schema at a pointer: compiled on first use, once per pointer, so
 * importing the kit stays cheap. (Exported for the benchmark's baseline, not from the package entry.)
 */
export function compiledValidator(pointer: string): ValidateFunction {
  let validate = compiled.get(pointer);
  if (!validate) {
    ajv ??= createAjv();
    validate = ajv.compile({ $ref: `${SPEC_ID}${pointer}` });
    compiled.set(pointer, validate);
  }
  return validate;
}

/** Validates a value against the schema at a JSON pointer (`#/components/schemas/...`) in the bundled spec. */
export function validateAgainstSpec(pointer: string, body: unknown): ValidationResult {
  const validate = compiledValidator(pointer);
  if (validate(body)) return { ok: true };
  return { ok: false, errors: toIssues(validate.errors ?? []) };
}

/** The parts of a request: parameters by location and name, and the body. */
export interface RequestParts {
  path?: Record<string, unknown>;
  query?: Record<string, unknown>;
  body?: unknown;
}

/**
 * Validates a request to an operation of the spec (by operationId): each parameter against its schema
 * (and a path parameter against what a URL can carry), required ones present, no parameter the
 * operation does not have, none combined with one of another exclusive group
 * (`x-exclusive-parameter-groups`), and the body against its schema (the kit's rules included).
 */
export function validateRequest(operationId: string, request: RequestParts): ValidationResult {
  const op = operation(operationId);
  const issues: ValidationIssue[] = [];
  const present = new Set<string>();
  for (const location of ['path', 'query'] as const) {
    const given = request[location] ?? {};
    const declared = op.parameters.filter((p) => p.in === location);
    for (const name of Object.keys(given)) {
      if (given[name] !== undefined && !declared.some((p) => p.name === name)) {
        const allowed = declared.map((p) => p.name).join(', ') || 'none';
        issues.push({
          path: `/${escapePointerSegment(name)}`,
          in: location,
          keyword: 'parameter',
          message: `is not a ${location} parameter of ${operationId}; allowed: ${allowed}`,
        });
      }
    }
    for (const parameter of declared) {
      const value = given[parameter.name];
      if (value === undefined) {
        if (parameter.required)
          issues.push({ path: `/${escapePointerSegment(parameter.name)}`, in: location, keyword: 'required', message: 'is required' });
        continue;
      }
      present.add(parameter.name);
      const verdict = validateParameter(parameter.pointer, value);
      if (!verdict.ok) issues.push(...verdict.errors);
    }
  }
  issues.push(...exclusiveGroupIssues(op.exclusiveGroups, present, op.parameters));
  if (op.body?.schema && (request.body !== undefined || op.body.required)) {
    const verdict = validateAgainstSpec(op.body.schema, request.body);
    if (!verdict.ok) issues.push(...verdict.errors);
  }
  return issues.length === 0 ? { ok: true } : { ok: false, errors: issues };
}

/**
 * Query parameters as received on the wire (every value a string), typed as the operation's schemas
 * type them, for `validateRequest`: `limit=5` becomes the integer 5; a value that is not one (`limit=1.5`,
 * `limit=ten`) stays a string, so that the validator names it (`must be integer`). Unknown names are kept.
 */
export function parseQuery(operationId: string, query: URLSearchParams | Record<string, string>): Record<string, unknown> {
  const { parameters } = operation(operationId);
  const pairs = [...(query instanceof URLSearchParams ? query : Object.entries(query))].map(([name, value]) => {
    const parameter = parameters.find((p) => p.in === 'query' && p.name === name);
    const type = parameter && (nodeAt(`${parameter.pointer}/schema`) as { type?: unknown }).type;
    const number =
      (type === 'integer' && /^-?\d+$/.test(value)) || (type === 'number' && value.trim() !== '' && Number.isFinite(Number(value)));
    return [name, number ? Number(value) : value] as const;
  });
  // fromEntries, not assignment: `?__proto__=1` must stay a parameter (and be refused as unknown), not set a prototype.
  return Object.fromEntries(pairs);
}

/** The parameters sent together from different exclusive groups: each one after the first group's is an issue. */
function exclusiveGroupIssues(groups: string[][], present: Set<string>, parameters: OperationInfo['parameters']): ValidationIssue[] {
  const used = groups.filter((group) => group.some((name) => present.has(name)));
  if (used.length < 2) return [];
  const first = used[0]!.filter((name) => present.has(name));
  return used.slice(1).flatMap((group) =>
    group
      .filter((name) => present.has(name))
      .map((name) => ({
        path: `/${escapePointerSegment(name)}`,
        in: (parameters.find((p) => p.name === name)?.in ?? 'query') as 'query',
        keyword: 'x-exclusive-parameter-groups',
        message: `must not be combined with ${first.join(' or ')}`,
      })),
  );
}

/**
 * Compiles, ahead of need, every validator `validateRequest` uses for the operations given (all by
 * default): the mock does it while its Prism host loads, so that its first request is not the one to pay.
 */
export function compileRequestValidators(operationIds: readonly string[] = Object.keys(operations)): void {
  for (const operationId of operationIds) {
    const op = operation(operationId);
    for (const parameter of op.parameters) compiledValidator(`${parameter.pointer}/schema`);
    if (op.body?.schema) compiledValidator(op.body.schema);
  }
}

/** Validates a request body of an operation (by operationId) against the spec, the kit's rules included. */
export function validateRequestBody(operationId: string, body: unknown): ValidationResult {
  const schema = operation(operationId).body?.schema;
  if (!schema) throw new Error(`validateRequestBody: ${operationId} takes no JSON body`);
  return validateAgainstSpec(schema, body);
}

/**
 * Validates a response body of an operation against the schema of its status: the status itself, else
 * its range (`4XX`), else `default`. A status the operation does not document at all is an issue.
 */
export function validateResponse(operationId: string, status: number, body: unknown): ValidationResult {
  const documented = documentedResponse(operationId, status);
  if (!documented) {
    const { responses } = operation(operationId);
    return {
      ok: false,
      errors: [
        { path: '', keyword: 'status', message: `must be a status ${operationId} documents (${Object.keys(responses).join(', ')})` },
      ],
    };
  }
  if (!documented.schema) return { ok: true };
  return validateAgainstSpec(documented.schema, body);
}

/** Validates a webhook payload (by event type, e.g. `v1.end_user.created`) against the spec. */
export function validateWebhookPayload(event: string, payload: unknown): ValidationResult {
  const schema = webhooks[event]?.body?.schema;
  if (!schema) throw new Error(`validateWebhookPayload: the spec has no webhook "${event}"; it has ${Object.keys(webhooks).join(', ')}`);
  return validateAgainstSpec(schema, payload);
}

/** Validates an `updateEndUser` request body against the spec, including the 10 KB metadata rule. */
export function validateUpdateEndUserRequest(body: unknown): ValidationResult {
  return validateRequestBody('updateEndUser', body);
}

/** Validates a `createEndUser` request body, including the 10 KB rule and disjoint metadata and sensitive keys. */
export function validateCreateEndUserRequest(body: unknown): ValidationResult {
  return validateRequestBody('createEndUser', body);
}

/** Validates an end user, as every operation answers one, against the spec. */
export function validateEndUserResponse(body: unknown): ValidationResult {
  return validateAgainstSpec(operation('updateEndUser').responses['200']!.schema!, body);
}

/** Validates an error body (`{ errors: [...] }`) against the spec. */
export function validateErrorsResponse(body: unknown): ValidationResult {
  return validateAgainstSpec(operation('updateEndUser').responses.default!.schema!, body);
}

/**
 * Validates a parameter value against the Parameter object at `pointer` in the bundled spec (its
 * `schema`), and against what a URL can carry: no text with lone surrogates (which cannot be
 * percent-encoded), and a path parameter must be one path segment that names something, so "." and ".."
 * (which URL parsing collapses into the parent path) are refused.
 */
export function validateParameter(pointer: string, value: unknown): ValidationResult {
  let parameter = parameterNodes.get(pointer);
  if (!parameter) {
    parameter = nodeAt(pointer) as { name: string; in: 'path' | 'query' };
    parameterNodes.set(pointer, parameter);
  }
  const located = (issue: Omit<ValidationIssue, 'path' | 'in'>, at = ''): ValidationIssue => ({
    ...issue,
    path: `/${escapePointerSegment(parameter.name)}${at}`,
    in: parameter.in,
  });
  const issues: ValidationIssue[] = [];
  const verdict = validateAgainstSpec(`${pointer}/schema`, value);
  if (!verdict.ok) issues.push(...verdict.errors.map(({ path, message, keyword }) => located({ message, keyword }, path)));
  if (parameter.in === 'path' && (value === '.' || value === '..')) {
    issues.push(
      located({
        keyword: 'path-segment',
        message: 'must not be "." or "..": URL parsing would drop it and send the request to the parent path',
      }),
    );
  }
  if (typeof value === 'string' && /\p{Cs}/u.test(value)) {
    issues.push(located({ keyword: 'unicode', message: 'must be well-formed Unicode (it has a lone surrogate, which no URL can carry)' }));
  }
  return issues.length === 0 ? { ok: true } : { ok: false, errors: issues };
}

/** Parameter objects by pointer: every call validates its parameters, and walking the spec for each was measurable. */
const parameterNodes = new Map<string, { name: string; in: 'path' | 'query' }>();

function toIssues(errors: readonly ErrorObject[]): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    const located = toIssue(error);
    // propertyNames reports the inner pattern error and its own summary; keep one line per path+rule.
    if (!located) continue;
    const issue = { ...located, keyword: error.keyword };
    const key = `${issue.path}\u0000${issue.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      issues.push(issue);
    }
  }
  return issues;
}

const FORMAT_NAMES: Record<string, string> = {
  email: 'an email address',
  uri: 'an absolute URI such as https://example.com/a.png',
  'date-time': 'an RFC 3339 date-time such as 2020-09-20T00:00:00+00:00',
};

function listOr(items: readonly unknown[]): string {
  const words = items.map(String);
  return words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} or ${words.at(-1)}`;
}

function toIssue(error: ErrorObject): Omit<ValidationIssue, 'keyword'> | undefined {
  const path = error.instancePath;
  const params = error.params as Record<string, unknown>;
  const parentSchema = (error.parentSchema ?? {}) as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return { path: child(path, String(params.missingProperty)), message: 'is required' };
    case 'additionalProperties': {
      const known = Object.keys((parentSchema.properties as object | undefined) ?? {});
      const hint = known.length > 0 ? `; allowed: ${known.join(', ')}` : '';
      return {
        path: child(path, String(params.additionalProperty)),
        message: `is not an allowed property${hint}`,
      };
    }
    case 'propertyNames': {
      const namesSchema = (parentSchema.propertyNames ?? {}) as Record<string, unknown>;
      const rule = namesSchema['x-pattern-message'] ?? `must match the pattern ${namesSchema.pattern}`;
      return { path: child(path, String(params.propertyName)), message: `key ${rule}` };
    }
    case 'pattern':
      // Inside propertyNames Ajv reports the key's pattern error at the object; the propertyNames
      // error above names the key, so this one is dropped.
      if (error.schemaPath.includes('/propertyNames/')) return undefined;
      return {
        path,
        message: String(parentSchema['x-pattern-message'] ?? `must match the pattern ${params.pattern}`),
      };
    case 'maxLength':
      return { path, message: `must be at most ${params.limit} characters` };
    case 'minLength':
      return {
        path,
        message: params.limit === 1 ? 'must not be empty' : `must be at least ${params.limit} characters`,
      };
    case 'maxProperties':
      return { path, message: `must have at most ${params.limit} properties` };
    case 'type':
      return { path, message: `must be ${listOr([params.type].flat())}` };
    case 'format':
      return { path, message: `must be ${FORMAT_NAMES[String(params.format)] ?? `in ${params.format} format`}` };
    case 'enum':
      return { path, message: `must be one of ${listOr((params.allowedValues as unknown[]).map((v) => JSON.stringify(v)))}` };
    case 'const':
      return { path, message: `must be ${JSON.stringify(params.allowedValue)}` };
    case 'not': {
      const forbidden = ((parentSchema.not as { required?: string[] } | undefined)?.required ?? [])[0];
      return forbidden
        ? { path: child(path, forbidden), message: 'must not be present' }
        : { path, message: 'must not match the forbidden schema' };
    }
    default: {
      const kit = Object.hasOwn(KIT_SCHEMA_KEYWORDS, error.keyword) ? KIT_SCHEMA_KEYWORDS[error.keyword]!.issue : undefined;
      return kit ? kit(params, path) : { path, message: error.message ?? `breaks the ${error.keyword} rule` };
    }
  }
}
