// The validators of requests, responses and webhook payloads: for every schema the operations table names,
// the validator the generator wrote out ahead of time (generated/validators.js, Ajv's standalone code), so
// that nothing is compiled at run time (workerd forbids it) and the first call pays nothing. No schema is
// restated here: the validators were written from the spec itself.
import { validators } from '../../generated/validators.js';
import { documentedResponse, operation, webhooks, type OperationInfo } from './operations.js';
import type { ValidationIssue, ValidationResult } from './issues.js';
import { escapePointerSegment } from './json-pointer.js';
import { verdictOf } from './messages.js';
import { nodeAt } from './spec.js';

export { formatValidationIssues, type ValidationIssue, type ValidationResult } from './issues.js';

export { jsonByteLength } from './keywords.js';

/**
 * Validates a value against a schema the operations table names (a parameter's, a body's, a response's),
 * with the validator written out for it. Any other pointer is the generator's or a test's business
 * (contract/ajv.ts compiles one), so it throws.
 */
export function validateAgainstSpec(pointer: string, value: unknown): ValidationResult {
  const validate = Object.hasOwn(validators, pointer) ? validators[pointer] : undefined;
  if (!validate) {
    throw new Error(
      `no validator was written for ${pointer}: generated/validators.js holds one per schema the operations table names (npm run generate)`,
    );
  }
  return verdictOf(validate, value);
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
