// verifyProvider(): checks that a real provider (an Ada sandbox instance, or any server claiming this
// contract) honours the spec. Requests go through the kit's own client and Prism's validation proxy:
// - the spec's request examples and generated valid bodies through `prism proxy --errors`, which turns
//   a response that breaks the contract into a 500 naming each violation;
// - one generated invalid body per rule through a pass-through `prism proxy` (with --errors Prism would
//   refuse them itself), where the provider must answer 4xx with an Errors body.
import fc from 'fast-check';
import { invalidUpdateEndUserRequestCases, arbitraryUpdateEndUserRequest } from './arbitraries.js';
import { createAdaClient, type AdaClient } from './client.js';
import { prismLocationPointer as pointer, prismViolations, type PrismViolation, type RunningPrism } from './prism.js';
import { retryDelayMs, sleep } from './retry.js';
import { startProxy } from './proxy.js';
import { derefNode, nodeAt, openapiDocument, resolvePointer, unescapePointerSegment, UPDATE_END_USER_PATH } from './spec.js';

export interface VerifyOptions {
  /** The provider's base URL, e.g. https://acme.ada.support/api */
  baseUrl: string;
  token: string;
  /** An end user the run may modify: valid PATCHes change it. */
  endUserId: string;
  /** Upper bound on requests sent (default 50). */
  maxRequests?: number;
  /** Pause between requests (default 250 ms: 4/s, under Ada's 30/s and 300/min End Users limits). */
  intervalMs?: number;
  /** Seed of the generated bodies, to replay a run. */
  seed?: number;
  /** Called after each request. */
  onResult?: (result: RequestResult) => void;
  /** Base of the backoff for 429 answers (ms; default 1000). */
  backoffBaseMs?: number;
  /** How long to wait for each answer (ms; default 30 000). */
  requestTimeoutMs?: number;
  /**
   * Validation proxies already running in front of `baseUrl` (from startProxy with errors true and
   * false), to verify several times without starting Prism each time. Started and stopped here if absent.
   */
  proxies?: { strict: RunningPrism; passthrough: RunningPrism };
}

export interface Violation {
  /** Which request: `example "seed"`, `valid body #3`, `invalid body (/external_id maxLength)`. */
  request: string;
  /** The provider's status, where known: under --errors Prism answers 500 in the provider's stead. */
  status?: number;
  /** What broke: the response body, or the status class (a 2xx for a forbidden body, a 5xx, ...). */
  in: 'response' | 'status' | 'kit';
  /** JSON pointer in the response body, `''` for the whole body. */
  path: string;
  /** The rule, e.g. `required`, `type`, `not`; `status` for a wrong status class. */
  rule: string;
  message: string;
}

/** One line for a violation, as the CLI prints it. */
export function formatViolation(v: Violation): string {
  const where = v.in === 'response' ? `response ${v.path || '(body)'} ${v.rule}` : v.in;
  return `✗ ${v.request}: ${where}: ${v.message}${v.status === undefined ? '' : ` (status ${v.status})`}`;
}

export interface RequestResult {
  request: string;
  status: number;
  violations: Violation[];
}

export interface VerifyReport {
  requests: number;
  violations: Violation[];
  /** Invalid-body rules sent, out of all the rules the request schema encodes. */
  rulesChecked: number;
  rulesTotal: number;
  seed: number;
}

/** A problem with the setup (token refused, unknown end user, provider unreachable), not with the contract. */
export class VerifySetupError extends Error {
  override name = 'VerifySetupError';
}

interface PlannedRequest {
  label: string;
  body: unknown;
  kind: 'valid' | 'invalid';
}


const PRISM_PROBLEM = 'https://stoplight.io/prism/errors#';

export async function verifyProvider(options: VerifyOptions): Promise<VerifyReport> {
  const maxRequests = options.maxRequests ?? 50;
  const intervalMs = options.intervalMs ?? 250;
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  if (!Number.isInteger(maxRequests) || maxRequests < 1) throw new TypeError('maxRequests must be a positive integer');
  if (!(intervalMs >= 0)) throw new TypeError('intervalMs must be a number of milliseconds, 0 or more');
  // Fail on a bad token or URL here, before any process starts.
  createAdaClient({ baseUrl: options.baseUrl, token: options.token });

  const { plan, rulesTotal, rulesChecked } = planRequests(maxRequests, seed);
  // The pass-through proxy starts only when the first invalid body is due: a run that fails on its
  // first example (a refused token) or sends only examples never pays for a second Prism.
  const strict = options.proxies?.strict ?? (await startProxyFor(options.baseUrl, true));
  let passthrough = options.proxies?.passthrough;
  const violations: Violation[] = [];
  try {
    const strictClient = createAdaClient({ baseUrl: strict.url, token: options.token });
    let passthroughClient: AdaClient | undefined;
    for (const [index, planned] of plan.entries()) {
      if (index > 0 && intervalMs > 0) await sleep(intervalMs);
      if (planned.kind === 'invalid' && !passthroughClient) {
        passthrough ??= await startProxyFor(options.baseUrl, false);
        passthroughClient = createAdaClient({ baseUrl: passthrough.url, token: options.token });
      }
      const result = await send(planned.kind === 'valid' ? strictClient : passthroughClient!, planned, options);
      violations.push(...result.violations);
      options.onResult?.(result);
    }
  } finally {
    if (!options.proxies) await Promise.all([strict.stop(), passthrough?.stop()]);
  }
  return { requests: plan.length, violations, rulesChecked, rulesTotal, seed };
}

/** The two validation proxies verifyProvider needs in front of a provider (to share across runs). */
export async function startProxies(baseUrl: string): Promise<{ strict: RunningPrism; passthrough: RunningPrism }> {
  const strict = await startProxyFor(baseUrl, true);
  try {
    return { strict, passthrough: await startProxyFor(baseUrl, false) };
  } catch (error) {
    await strict.stop();
    throw error;
  }
}

function startProxyFor(baseUrl: string, errors: boolean): Promise<RunningPrism> {
  return startProxy({ upstream: baseUrl, errors }).catch((error: Error) => {
    throw new VerifySetupError(`could not start Prism's proxy: ${error.message.split('\n')[0]}`);
  });
}

/** Examples first (they are the contract's own words), then one invalid body per rule, then valid samples. */
function planRequests(maxRequests: number, seed: number) {
  const operation = openapiDocument.paths[UPDATE_END_USER_PATH].patch;
  const examples: PlannedRequest[] = Object.entries(operation.requestBody.content['application/json'].examples).map(
    ([name, example]) => ({ label: `example "${name}"`, body: (nodeAt(example.$ref) as { value: unknown }).value, kind: 'valid' }),
  );
  const cases = invalidUpdateEndUserRequestCases();
  const invalid: PlannedRequest[] = cases.map((c, index) => {
    const forwardable = c.arbitrary.filter(({ body }) => prismProxyCanForward(body));
    const { body } = fc.sample(forwardable, { numRuns: 1, seed: seed + index })[0]!;
    return { label: `invalid body (${c.name})`, body, kind: 'invalid' };
  });
  const room = Math.max(0, maxRequests - examples.length - invalid.length);
  const valid: PlannedRequest[] = room === 0 ? [] : fc
    .sample(arbitraryUpdateEndUserRequest(), { numRuns: room, seed })
    .map((body, index) => ({ label: `valid body #${index + 1}`, body, kind: 'valid' }));
  const plan = [...examples, ...invalid, ...valid].slice(0, maxRequests);
  return { plan, rulesTotal: cases.length, rulesChecked: plan.filter((p) => p.kind === 'invalid').length };
}

/**
 * Prism's proxy mangles some JSON bodies (pinned in test/verify.test.ts): a falsy body (null, false, 0)
 * gets no answer at all, and a string body is forwarded without its quotes. Such bodies only arise for
 * the "body must be an object" rule, which other samples (true, 7, []) check as well.
 */
export function prismProxyCanForward(body: unknown): boolean {
  return Boolean(body) && typeof body !== 'string';
}

async function send(client: AdaClient, planned: PlannedRequest, options: VerifyOptions): Promise<RequestResult> {
  for (let attempt = 0; ; attempt++) {
    let outcome;
    try {
      outcome = await client.fetchClient.PATCH(UPDATE_END_USER_PATH, {
        params: { path: { end_user_id: options.endUserId } },
        body: planned.body as never,
        signal: AbortSignal.timeout(options.requestTimeoutMs ?? 30_000),
      });
    } catch (error) {
      if ((error as Error).name === 'TimeoutError') {
        throw new VerifySetupError(`no answer to ${planned.label} within ${options.requestTimeoutMs ?? 30_000} ms`);
      }
      throw new VerifySetupError(`request failed: ${describeCause(error)}`);
    }
    const { response, error } = outcome;
    const status = response.status;
    // Ada's advice for 429: retry with exponential backoff and full jitter, honouring Retry-After if sent.
    if (status === 429 && attempt < 4) {
      const policy = { maxRetries: 4, initialDelayMs: options.backoffBaseMs ?? 1000, maxDelayMs: 30_000 };
      await sleep(retryDelayMs(attempt + 1, policy, response.headers));
      continue;
    }
    await response.body?.cancel().catch(() => undefined);
    return { request: planned.label, status, violations: judge(planned, status, response.headers, error) };
  }
}

function judge(planned: PlannedRequest, status: number, headers: Headers, body: unknown): Violation[] {
  const problem = prismProblem(body);
  const violation = (where: Violation['in'], path: string, rule: string, message: string): Violation => ({
    request: planned.label,
    ...(problem === 'VIOLATIONS' ? {} : { status }), // under --errors the provider's status is not known
    in: where,
    path,
    rule,
    message,
  });
  // Prism's proxy answers 500 {type: "FetchError", title: "request to … failed, reason: …"} when the
  // provider cannot be reached.
  const unreachable = body as { type?: unknown; title?: unknown } | null | undefined;
  if (unreachable?.type === 'FetchError') {
    throw new VerifySetupError(`the provider did not answer: ${String(unreachable.title ?? '')}`);
  }
  if (status === 401 || status === 403) {
    throw new VerifySetupError(`the provider refused the token (${status}); check --token`);
  }
  const responseViolations = prismViolations(headers)
    .filter((v) => v.location[0] === 'response')
    .map((v) => violation('response', pointer(v.location.slice(2)), String(v.code), explain(v)));

  if (planned.kind === 'valid') {
    if (status === 404) throw new VerifySetupError('the provider does not know this end user (404); check --end-user-id');
    if (problem === 'VIOLATIONS' && responseViolations.length > 0) return responseViolations;
    if (problem) {
      // Prism refused the request itself: the kit generated a body Prism considers invalid.
      const detail = prismViolations(headers).map((v) => `${pointer(v.location.slice(2))} ${v.message}`).join('; ');
      return [violation('kit', '', 'kit', `Prism refused a body the kit generated as valid (${problem}): ${detail}`)];
    }
    if (status === 400 || status === 422) {
      return [violation('status', '', 'status', `rejected a body the contract accepts: ${firstMessage(body)}`)];
    }
    if (status >= 500) return [violation('status', '', 'status', `answered ${status} to a valid body: ${firstMessage(body)}`)];
    return responseViolations; // 2xx, 409 (external_id taken) and other documented answers
  }

  const found: Violation[] = [];
  if (status < 400) found.push(violation('status', '', 'status', `answered ${status} to a body the contract forbids; expected a 4xx Errors body`));
  else if (status >= 500) found.push(violation('status', '', 'status', `answered ${status} to a body the contract forbids; expected 4xx: ${firstMessage(body)}`));
  return [...found, ...responseViolations];
}

/**
 * Prism words a `not` violation as "must NOT be valid". Where a response schema's `not` forbids
 * properties at that location (as EndUserProfile forbids the write-only sensitive_metadata), say which.
 * Under --errors the provider's status is unknown, so every response schema of the operation is tried.
 */
function explain(violation: PrismViolation): string {
  if (violation.code !== 'not') return violation.message;
  const forbidden = new Set<string>();
  for (const status of Object.keys(openapiDocument.paths[UPDATE_END_USER_PATH].patch.responses)) {
    let schema = nodeAt(resolvePointer('paths', UPDATE_END_USER_PATH, 'patch', 'responses', status, 'content', 'application/json', 'schema'));
    for (const segment of violation.location.slice(2)) {
      schema = derefNode(schema)?.properties?.[unescapePointerSegment(segment)];
    }
    for (const name of (derefNode(schema)?.not?.required ?? []) as string[]) forbidden.add(name);
  }
  return forbidden.size > 0 ? `${violation.message}: it must not contain ${[...forbidden].join(', ')}` : violation.message;
}

function prismProblem(body: unknown): string | undefined {
  const type = (body as { type?: unknown } | null | undefined)?.type;
  return typeof type === 'string' && type.startsWith(PRISM_PROBLEM) ? type.slice(PRISM_PROBLEM.length) : undefined;
}

function firstMessage(body: unknown): string {
  const message = (body as { errors?: Array<{ message?: unknown }> } | null | undefined)?.errors?.[0]?.message;
  return typeof message === 'string' ? message : 'no Errors body';
}

function describeCause(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}

