// One answer of the provider, judged: its status against what the contract allows for the request
// sent, its body against the contract (Prism's pass-through proxy names each violation in
// `sl-violations`, with the provider's real status), and whether it is JSON at all. What cannot be
// judged (rate limited throughout) says so; what is the setup's fault (a refused token, an unreachable
// provider) throws VerifySetupError.
import type { RawAnswer } from '../client/client.js';
import type { Json } from '../contract/json-pointer.js';
import { documentedResponse } from '../contract/operations.js';
import { PROXY_PROBLEMS } from '../prism/prism.js';
import { prismLocationPointer as pointer, prismViolations, type PrismViolation } from './sl-violations.js';
import { unescapePointerSegment } from '../contract/json-pointer.js';
import { derefNode, nodeAt } from '../contract/spec.js';
import { type Violation, VerifySetupError } from './report.js';

/** What the contract allows as an answer to one request. */
export type Expectation =
  /**
   * A request the contract accepts: one of these statuses (`why` explains the ones beside 2xx), or a
   * refusal the contract documents for a valid request in some states (`tolerate`: its status and message).
   */
  | { kind: 'accept'; statuses: readonly number[]; why?: string; tolerate?: { status: number; message: RegExp } }
  /** A request the contract forbids: 400 or 422 with an Errors body. */
  | { kind: 'refuse' }
  /** A request for something that does not exist: 404 with an Errors body. */
  | { kind: 'not-found' }
  /** A lookup: 200 with the one end user, or 404. */
  | { kind: 'found-or-not' };

export interface Judged {
  status: number;
  /** The body, where it is JSON. */
  json?: Json;
  violations: Violation[];
  unjudged?: string;
}

/** What the run has learnt of the provider: before it accepted the token once, a refusal is a setup problem. */
export interface JudgeState {
  tokenAccepted: boolean;
}

const PRISM_PROBLEM = 'https://stoplight.io/prism/errors#';

export function judge(
  request: string,
  operationId: string,
  answer: RawAnswer,
  expectation: Expectation,
  state: JudgeState,
  retries: number,
): Judged {
  const { status, headers } = answer;
  const parsed = parseJson(answer.text);
  const json = parsed.ok ? (parsed.value as Json) : undefined;
  const violation = (where: Violation['in'], path: string, rule: string, message: string): Violation => ({
    request,
    status,
    in: where,
    path,
    rule,
    message,
  });
  if (status === 429) return { status, violations: [], unjudged: `rate limited (429) after ${retries} retries` };

  // The kit's proxy answers for the provider only when the provider gave no answer an HTTP client can
  // take: none at all (a setup problem: unreachable, or gone), or one that is not HTTP, too large, or
  // undecodable (the provider's violation, with its own status where it had one).
  const proxyProblem = typeof json?.type === 'string' ? json.type : undefined;
  if (proxyProblem === PROXY_PROBLEMS.upstreamFailed) throw new VerifySetupError(`the provider did not answer: ${String(json?.title)}`);
  if (proxyProblem === PROXY_PROBLEMS.upstreamInvalid) {
    const own = typeof json?.upstreamStatus === 'number' ? json.upstreamStatus : undefined;
    return {
      status: own ?? status,
      violations: [{ ...violation('response', '', 'http', String(json?.title)), ...(own === undefined ? {} : { status: own }) }],
    };
  }
  if (status === 401 || status === 403) {
    if (!state.tokenAccepted) throw new VerifySetupError(`the provider refused the token (${status}); check --token`);
    return { status, json, violations: [violation('status', '', 'status', `answered ${status} to a token it accepted before`)] };
  }
  state.tokenAccepted = true;

  const problem = proxyProblem?.startsWith(PRISM_PROBLEM) ? proxyProblem.slice(PRISM_PROBLEM.length) : undefined;
  if (problem) {
    // Prism answered in the provider's stead: the kit sent something Prism could not route or forward.
    return {
      status,
      json,
      violations: [violation('kit', '', 'kit', `Prism answered the request itself (${problem}): ${json?.title ?? ''}`)],
    };
  }

  const notJson = !parsed.ok && answer.text !== '';
  const found = prismViolations(headers)
    .filter((v) => v.location[0] === 'response')
    // A body that is not JSON breaks every rule of its schema: that is one finding (below), not one per rule.
    .filter((v) => !(notJson && v.location[1] === 'body'))
    .map((v) => violation('response', pointer(v.location.slice(2)), ruleOf(v), explain(operationId, status, v)));
  if (notJson && !found.some((v) => v.rule === 'media-type')) {
    // Prism checks media types, not whether JSON parses: a body that claims JSON and is not.
    const type = headers.get('content-type') ?? 'no content-type';
    found.push(violation('response', '', 'json', `the body is not JSON (${status}, ${type}): ${quote(answer.text)}`));
  }
  // Schemathesis's name for it: a server error is never a right answer, whatever was sent.
  const statusRule = status >= 500 ? 'not_a_server_error' : 'status';
  const wrong = (expected: string) =>
    violation('status', '', statusRule, `answered ${status} to ${expected}${status >= 400 ? `: ${firstMessage(json)}` : ''}`);

  switch (expectation.kind) {
    case 'accept':
      if (expectation.tolerate?.status === status && expectation.tolerate.message.test(firstMessage(json))) break;
      if (!expectation.statuses.includes(status)) {
        const allowed = expectation.statuses.join(' or ');
        found.unshift(wrong(`a request the contract accepts: expected ${allowed}${expectation.why ? ` (${expectation.why})` : ''}`));
      }
      break;
    case 'refuse':
      if (status !== 400 && status !== 422) found.unshift(wrong('a request the contract forbids; expected 400 or 422 with an Errors body'));
      break;
    case 'not-found':
      if (status !== 404) found.unshift(wrong('a request for something that does not exist; expected 404 with an Errors body'));
      break;
    case 'found-or-not':
      if (status !== 200 && status !== 404) found.unshift(wrong('a lookup; expected 200 with the end user, or 404'));
      break;
  }
  return { status, ...(json === undefined ? {} : { json }), violations: found };
}

/** The start of a body, quoted, for a message: at most 60 characters of it. */
function quote(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text);
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  if (text === '') return { ok: false };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** Prism's violations carry a JSON Schema keyword as `code`, except for a wrong media type. */
function ruleOf(violation: PrismViolation): string {
  if (violation.code !== undefined) return String(violation.code);
  return /media type/i.test(violation.message) ? 'media-type' : 'prism';
}

/**
 * Prism words a `not` violation as "must NOT be valid". Where the response schema's `not` forbids
 * properties at that location (as EndUserProfile forbids the write-only sensitive_metadata), say which.
 */
function explain(operationId: string, status: number, violation: PrismViolation): string {
  if (violation.code !== 'not') return violation.message;
  const documented = documentedResponse(operationId, status);
  let schema: Json = documented?.schema ? nodeAt(documented.schema) : undefined;
  for (const segment of violation.location.slice(2)) {
    const resolved = derefNode(schema);
    // Through a oneOf (a list's page or lookup), the branch that has this property; through arrays, their items.
    const branches: Json[] = resolved?.oneOf ?? [resolved];
    schema = branches
      .map((branch) => {
        const node = derefNode(branch);
        return /^\d+$/.test(segment) && node?.items ? node.items : node?.properties?.[unescapePointerSegment(segment)];
      })
      .find(Boolean);
  }
  const forbidden = (derefNode(schema)?.not?.required ?? []) as string[];
  return forbidden.length > 0 ? `${violation.message}: it must not contain ${forbidden.join(', ')}` : violation.message;
}

function firstMessage(body: Json): string {
  const message = body?.errors?.[0]?.message;
  return typeof message === 'string' ? message : 'no Errors body';
}
