// A request as it arrives on the wire (method, raw path, query string, parsed body), judged against the
// kit's own validators: which operation it is for, and the 400 the kit answers when it breaks a rule,
// Prism's or the kit's (x-disjoint-keys, x-max-json-bytes, x-exclusive-parameter-groups, an empty or
// unknown query parameter, text no URL can carry). One home for the mock's front and the stateful fake.
import { metadataLimit } from '../contract/limits.js';
import { operations, type OperationInfo } from '../contract/operations.js';
import { parseQuery, validateRequest, type ValidationIssue } from '../contract/validation.js';

export interface WireRequest {
  method: string;
  /** The path as sent, percent-encoded, dot segments kept (`/v2/end-users/%2e` names the end user "."). */
  path: string;
  /** The query string, without its `?`. */
  search: string;
  /** The parsed JSON body; undefined when there is none. */
  body?: unknown;
}

/** An answer the kit gives itself: a status and an Errors body. */
export interface WireAnswer {
  status: number;
  body: { errors: Array<{ type: string; message: string; details?: Array<{ parameter: string; location: string; message: string }> }> };
}

export type Routed =
  | { operation: OperationInfo; path: Record<string, string>; query: URLSearchParams }
  /** No operation has this method and path. */
  | { operation?: undefined; refusal?: undefined }
  /** An operation's, but its path does not decode (percent-encoding that is not UTF-8). */
  | { operation?: undefined; refusal: WireAnswer };

const routes = Object.values(operations).map((op) => ({ op, pattern: pathPattern(op) }));

/** The operation a request is for, with its path parameters decoded and its query. */
export function route(request: Pick<WireRequest, 'method' | 'path' | 'search'>): Routed {
  const method = request.method.toLowerCase();
  const found = routes.find(({ op, pattern }) => op.method === method && pattern.test(request.path));
  if (!found) return {};
  try {
    const path = Object.fromEntries(
      Object.entries(found.pattern.exec(request.path)?.groups ?? {}).map(([name, value]) => [name, decodeURIComponent(value)]),
    );
    return { operation: found.op, path, query: new URLSearchParams(request.search) };
  } catch {
    return { refusal: answer(400, 'validation_error', 'The request path is not percent-encoded UTF-8.') };
  }
}

/** The kit's 400 for a request that breaks the contract, or undefined when it keeps it (or is for no operation). */
export function refuse(request: WireRequest): WireAnswer | undefined {
  const routed = route(request);
  return routed.operation ? refuseRouted(routed, request.body) : routed.refusal;
}

/** The same, for a request already routed (the fake routes it to find its handler). */
export function refuseRouted(routed: Extract<Routed, { operation: OperationInfo }>, body: unknown): WireAnswer | undefined {
  const { operationId } = routed.operation;
  const verdict = validateRequest(operationId, { path: routed.path, query: parseQuery(operationId, routed.query), body });
  return verdict.ok ? undefined : refusal(verdict.errors);
}

/**
 * A 400 as the mock's front words one (each issue: field, location, message and rule); with Ada's own
 * message where Ada documents one (metadata over its limit).
 */
export function refusal(issues: readonly ValidationIssue[]): WireAnswer {
  const metadataTooLarge = issues.every((issue) => issue.keyword === 'x-max-json-bytes' && issue.path.endsWith('/metadata'));
  const message = metadataTooLarge
    ? metadataLimit.message
    : `The request breaks the contract (${issues.length} violation${issues.length === 1 ? '' : 's'}).`;
  const details = issues.map((issue) => ({
    parameter: issue.path.slice(1).split('/').join('.') || 'body',
    location: issue.in ?? 'body',
    message: `${issue.message} (${issue.keyword})`,
  }));
  return { status: 400, body: { errors: [{ type: 'validation_error', message, details }] } };
}

export function answer(status: number, type: string, message: string): WireAnswer {
  return { status, body: { errors: [{ type, message }] } };
}

/** A path template as a regular expression with a named group per parameter. */
function pathPattern(op: OperationInfo): RegExp {
  const source = op.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{([^}]+)\}/g, '(?<$1>[^/]+)');
  return new RegExp(`^${source}$`);
}
