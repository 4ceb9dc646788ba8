// verifyProvider(): checks that a real provider (an Ada sandbox instance, or any server claiming this
// contract) honours the spec. Requests go through the kit's own client and Prism's validation proxy:
// - the spec's request examples and generated valid bodies through `prism proxy --errors`, which turns
//   a response that breaks the contract into a 500 naming each violation;
// - one generated invalid body per rule through a pass-through `prism proxy` (with --errors Prism would
//   refuse them itself), where the provider must answer 4xx with an Errors body.
import fc from 'fast-check';
import { invalidUpdateEndUserRequestCases, arbitraryUpdateEndUserRequest } from './arbitraries/index.js';
import { createAdaClient, type AdaClient } from './client.js';
import { createScrub, type Scrub } from './errors.js';
import { prismLocationPointer as pointer, prismViolations, type PrismViolation, type RunningPrism } from './prism.js';
import { retryDelayMs, sleep } from './retry.js';
import { startProxy } from './proxy.js';
import {
  derefNode,
  nodeAt,
  openapiDocument,
  parameterPointers,
  resolvePointer,
  unescapePointerSegment,
  UPDATE_END_USER_PATH,
} from './spec.js';
import { formatValidationIssues, validateParameter } from './validation.js';

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
  /** What broke: the response (its body or media type), or its status (a 2xx for a forbidden body, a 405, ...). */
  in: 'response' | 'status' | 'kit';
  /** JSON pointer in the response body, `''` for the whole body. */
  path: string;
  /** The rule, e.g. `required`, `type`, `not`, `media-type`, `json`; `status` for a wrong status. */
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
  /** Why the answer could not be judged, where it could not. */
  unjudged?: string;
}

/** A request whose answer could not be judged (rate limited after every retry). */
export interface Unjudged {
  request: string;
  reason: string;
}

export interface VerifyReport {
  /** Requests sent (each retry of a 429 not counted again). */
  requests: number;
  violations: Violation[];
  /**
   * Requests whose answer could not be judged. A run with any is incomplete: the CLI exits 2 for it
   * (unless it found violations), since a provider that rate-limits everything has proved nothing.
   */
  unjudged: Unjudged[];
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

/** What the run has learnt of the provider so far: before it accepted anything, a refusal is a setup problem. */
interface RunState {
  /** The provider accepted the token once (any answer but 401/403). */
  tokenAccepted: boolean;
  /** The provider knew the end user once (an answer to a valid body other than 404). */
  endUserKnown: boolean;
}

/** A 429 is retried this often before its request counts as unjudged. */
const RATE_LIMIT_RETRIES = 4;
/** The longest delay a Node timer can hold; a longer one fires at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

const PRISM_PROBLEM = 'https://stoplight.io/prism/errors#';

/**
 * Every check verifyProvider makes before it starts anything, with the defaults it applies; throws a
 * TypeError naming the option and the rule. (The CLI calls it before it probes the provider.)
 */
export function checkVerifyOptions(options: VerifyOptions): { maxRequests: number; intervalMs: number; seed: number } {
  const maxRequests = options.maxRequests ?? 50;
  const intervalMs = options.intervalMs ?? 250;
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  if (!Number.isInteger(maxRequests) || maxRequests < 1) throw new TypeError('maxRequests must be a positive integer');
  for (const [name, value] of [
    ['intervalMs', intervalMs],
    ['requestTimeoutMs', options.requestTimeoutMs ?? 1],
    ['backoffBaseMs', options.backoffBaseMs ?? 0],
  ] as const) {
    if (typeof value !== 'number' || !(value >= 0) || value > MAX_TIMER_MS) {
      throw new TypeError(`${name} must be a number of milliseconds from 0 to ${MAX_TIMER_MS} (what a timer can hold)`);
    }
  }
  // A bad token, URL or end-user id fails here: an id such as "." would send every request, and the
  // token, to another path.
  createAdaClient({ baseUrl: options.baseUrl, token: options.token });
  const id = validateParameter(parameterPointers.endUserId, options.endUserId);
  if (!id.ok) throw new TypeError(`endUserId: ${formatValidationIssues(id.errors)}`);
  return { maxRequests, intervalMs, seed };
}

export async function verifyProvider(options: VerifyOptions): Promise<VerifyReport> {
  const { maxRequests, intervalMs, seed } = checkVerifyOptions(options);
  const scrub = createScrub(options.token);
  const state: RunState = { tokenAccepted: false, endUserKnown: false };

  const { plan, rulesTotal, rulesChecked } = planRequests(maxRequests, seed);
  // The pass-through proxy starts only when the first invalid body is due: a run that fails on its
  // first example (a refused token) or sends only examples never pays for a second Prism.
  const strict = options.proxies?.strict ?? (await startProxyFor(options.baseUrl, true));
  let passthrough = options.proxies?.passthrough;
  const violations: Violation[] = [];
  const unjudged: Unjudged[] = [];
  try {
    const strictClient = createAdaClient({ baseUrl: strict.url, token: options.token });
    let passthroughClient: AdaClient | undefined;
    for (const [index, planned] of plan.entries()) {
      if (index > 0 && intervalMs > 0) await sleep(intervalMs);
      if (planned.kind === 'invalid' && !passthroughClient) {
        passthrough ??= await startProxyFor(options.baseUrl, false);
        passthroughClient = createAdaClient({ baseUrl: passthrough.url, token: options.token });
      }
      const result = await send(planned.kind === 'valid' ? strictClient : passthroughClient!, planned, options, state, scrub);
      if (result.unjudged) unjudged.push({ request: planned.label, reason: result.unjudged });
      violations.push(...result.violations);
      options.onResult?.(result);
    }
  } finally {
    if (!options.proxies) await Promise.all([strict.stop(), passthrough?.stop()]);
  }
  return { requests: plan.length, violations, unjudged, rulesChecked, rulesTotal, seed };
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

/** The invalid-body rules, built once per process: they derive from the spec alone. */
let invalidCases: ReturnType<typeof invalidUpdateEndUserRequestCases> | undefined;

/** Examples first (they are the contract's own words), then one invalid body per rule, then valid samples. */
function planRequests(maxRequests: number, seed: number) {
  const operation = openapiDocument.paths[UPDATE_END_USER_PATH].patch;
  const examples: PlannedRequest[] = Object.entries(operation.requestBody.content['application/json'].examples).map(([name, example]) => ({
    label: `example "${name}"`,
    body: (nodeAt(example.$ref) as { value: unknown }).value,
    kind: 'valid',
  }));
  invalidCases ??= invalidUpdateEndUserRequestCases();
  // Only the bodies the run will send are generated: a short run does not pay for every rule.
  const invalid: PlannedRequest[] = invalidCases.slice(0, Math.max(0, maxRequests - examples.length)).map((c, index) => {
    const forwardable = c.arbitrary.filter(({ body }) => prismProxyCanForward(body));
    const { body } = fc.sample(forwardable, { numRuns: 1, seed: seed + index })[0]!;
    return { label: `invalid body (${c.name})`, body, kind: 'invalid' };
  });
  const room = Math.max(0, maxRequests - examples.length - invalid.length);
  const valid: PlannedRequest[] =
    room === 0
      ? []
      : fc
          .sample(arbitraryUpdateEndUserRequest(), { numRuns: room, seed })
          .map((body, index) => ({ label: `valid body #${index + 1}`, body, kind: 'valid' }));
  const plan = [...examples, ...invalid, ...valid].slice(0, maxRequests);
  return { plan, rulesTotal: invalidCases.length, rulesChecked: plan.filter((p) => p.kind === 'invalid').length };
}

/**
 * Prism's proxy mangles some JSON bodies (pinned in test/verify.test.ts): a falsy body (null, false, 0)
 * gets no answer at all, and a string body is forwarded without its quotes. Such bodies only arise for
 * the "body must be an object" rule, which other samples (true, 7, []) check as well.
 */
export function prismProxyCanForward(body: unknown): boolean {
  return Boolean(body) && typeof body !== 'string';
}

async function send(
  client: AdaClient,
  planned: PlannedRequest,
  options: VerifyOptions,
  state: RunState,
  scrub: Scrub,
): Promise<RequestResult> {
  const timeoutMs = options.requestTimeoutMs ?? 30_000;
  for (let attempt = 0; ; attempt++) {
    let outcome: { data?: unknown; error?: unknown; response: Response };
    try {
      outcome = await client.fetchClient.PATCH(UPDATE_END_USER_PATH, {
        params: { path: { end_user_id: options.endUserId } },
        body: planned.body as never,
        parseAs: 'text', // parsed below: a body that is not JSON is the provider's violation, not a failed request
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      if ((error as Error).name === 'TimeoutError') {
        throw new VerifySetupError(`no answer to ${planned.label} within ${timeoutMs} ms`);
      }
      throw new VerifySetupError(`request failed: ${describeCause(error)}`);
    }
    const { response } = outcome;
    const status = response.status;
    // Ada's advice for 429: retry with exponential backoff and full jitter, honouring Retry-After if sent.
    if (status === 429) {
      if (attempt < RATE_LIMIT_RETRIES) {
        const policy = { maxRetries: RATE_LIMIT_RETRIES, initialDelayMs: options.backoffBaseMs ?? 1000, maxDelayMs: 30_000 };
        await sleep(retryDelayMs(attempt + 1, policy, response.headers));
        continue;
      }
      return { request: planned.label, status, violations: [], unjudged: `rate limited (429) after ${RATE_LIMIT_RETRIES} retries` };
    }
    const raw = response.ok ? outcome.data : outcome.error;
    const body = parseBody(raw);
    const violations = judge(planned, status, response.headers, body, state).map((v) => ({ ...v, message: scrub(v.message) }));
    return { request: planned.label, status, violations };
  }
}

/** The answer's body: JSON where it parses, else a marker for text that does not. */
type Body = { json: unknown } | { text: string } | undefined;

function parseBody(raw: unknown): Body {
  if (raw === undefined || raw === '') return undefined;
  if (typeof raw !== 'string') return { json: raw }; // openapi-fetch parsed an error body already
  try {
    return { json: JSON.parse(raw) };
  } catch {
    return { text: raw };
  }
}

/** Whether a body sets an external_id, the only reason a valid update may be refused with 409. */
const setsExternalId = (body: unknown) => typeof (body as { external_id?: unknown } | null)?.external_id === 'string';

function judge(planned: PlannedRequest, status: number, headers: Headers, body: Body, state: RunState): Violation[] {
  const json = body && 'json' in body ? body.json : undefined;
  const problem = prismProblem(json);
  const violation = (where: Violation['in'], path: string, rule: string, message: string): Violation => ({
    request: planned.label,
    ...(problem === 'VIOLATIONS' ? {} : { status }), // under --errors the provider's status is not known
    in: where,
    path,
    rule,
    message,
  });
  // Prism's proxy answers 500 {type: "FetchError", title} when the provider cannot be reached ("request
  // to … failed, reason: …"), and also when the provider's JSON does not parse ("invalid json response
  // body at … reason: …"): the first is a setup problem, the second the provider's violation.
  const fetchError = json as { type?: unknown; title?: unknown } | null | undefined;
  if (fetchError?.type === 'FetchError') {
    const title = String(fetchError.title ?? '');
    if (/^invalid json response body/.test(title)) {
      return [
        {
          request: planned.label,
          in: 'response',
          path: '',
          rule: 'json',
          message: `the body is not JSON (${title.replace(/^.* reason: /, '')})`,
        },
      ];
    }
    throw new VerifySetupError(`the provider did not answer: ${title}`);
  }
  if (status === 401 || status === 403) {
    if (!state.tokenAccepted) throw new VerifySetupError(`the provider refused the token (${status}); check --token`);
    return [violation('status', '', 'status', `answered ${status} to a token it accepted before`)];
  }
  state.tokenAccepted = true;
  const responseViolations = prismViolations(headers)
    .filter((v) => v.location[0] === 'response')
    .map((v) => violation('response', pointer(v.location.slice(2)), ruleOf(v), explain(v)));
  if (body && 'text' in body && !responseViolations.some((v) => v.rule === 'media-type')) {
    // Prism checks media types, not whether JSON parses; a 2xx or error body that claims JSON and is not.
    responseViolations.push(violation('response', '', 'json', `the body is not JSON: ${JSON.stringify(body.text.slice(0, 60))}`));
  }

  if (planned.kind === 'valid') {
    if (status === 404) {
      if (!state.endUserKnown) throw new VerifySetupError('the provider does not know this end user (404); check --end-user-id');
      return [violation('status', '', 'status', 'answered 404 for an end user it knew before')];
    }
    state.endUserKnown = true;
    if (problem === 'VIOLATIONS' && responseViolations.length > 0) return responseViolations;
    if (problem) {
      // Prism refused the request itself: the kit generated a body Prism considers invalid.
      const detail = prismViolations(headers)
        .map((v) => `${pointer(v.location.slice(2))} ${v.message}`)
        .join('; ');
      return [violation('kit', '', 'kit', `Prism refused a body the kit generated as valid (${problem}): ${detail}`)];
    }
    if (status === 409 && setsExternalId(planned.body)) return responseViolations; // the external_id is taken
    if (status !== 200) {
      const expected = setsExternalId(planned.body)
        ? '200, or 409 if the external_id is taken'
        : '200 (409 only when the body sets an external_id)';
      return [
        violation(
          'status',
          '',
          'status',
          `answered ${status} to a body the contract accepts: expected ${expected}${status >= 400 ? `: ${firstMessage(json)}` : ''}`,
        ),
        ...responseViolations,
      ];
    }
    return responseViolations;
  }

  const found: Violation[] = [];
  if (status === 404 && !state.endUserKnown)
    throw new VerifySetupError('the provider does not know this end user (404); check --end-user-id');
  if (status < 400)
    found.push(
      violation('status', '', 'status', `answered ${status} to a body the contract forbids; expected 400 or 422 with an Errors body`),
    );
  else if (status !== 400 && status !== 422) {
    found.push(
      violation(
        'status',
        '',
        'status',
        `answered ${status} to a body the contract forbids; expected 400 or 422 with an Errors body: ${firstMessage(json)}`,
      ),
    );
  }
  return [...found, ...responseViolations];
}

/** Prism's violations carry a JSON Schema keyword as `code`, except for a wrong media type. */
function ruleOf(violation: PrismViolation): string {
  if (violation.code !== undefined) return String(violation.code);
  return /media type/i.test(violation.message) ? 'media-type' : 'prism';
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
    let schema = nodeAt(
      resolvePointer('paths', UPDATE_END_USER_PATH, 'patch', 'responses', status, 'content', 'application/json', 'schema'),
    );
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
