// The typed client: openapi-fetch underneath (reachable as `fetchClient`), auth as a middleware, and one
// core (`call`) around every operation of the table (src/contract/operations.ts) with what a production client
// needs: local validation of parameters and body, a timeout per attempt, retries with backoff for what
// may pass on a second try (only where sending twice is safe), and one typed error per outcome. The
// methods for each operation are thin: which operation, which parts, what the answer means.
import createClient, { type Client, type Middleware } from 'openapi-fetch';
import { bodyLimit } from '../contract/limits.js';
import type { components, paths } from '../../generated/schema.js';
import {
  checkBackoff,
  checkHeaders,
  checkKinds,
  checkMaxResponseBytes,
  checkMaxRetries,
  checkTimeout,
  checkToken,
  resolveBaseUrl,
} from './options.js';
import {
  AdaApiError,
  AdaConnectionError,
  AdaTimeoutError,
  AdaValidationError,
  ContractViolationError,
  createScrub,
  RateLimitError,
  ResponseTooLargeError,
  type AdaError,
} from './errors.js';
import { serializeJsonBody } from './json-body.js';
import { operation } from '../contract/operations.js';
import { type NextPage, PagePromise, PageTrail, type Page } from './pagination.js';
import { DEFAULT_RETRY_POLICY, isRetryable, retryDelayMs, sleep as realSleep } from './retry.js';
import { createFetchTransport, createNodeTransport, LightRequest, TransportError, type ResponseLimits } from './transport.js';
import {
  validateEndUserResponse,
  validateRequest,
  validateResponse,
  type RequestParts,
  type ValidationIssue,
} from '../contract/validation.js';

export type EndUser = components['schemas']['EndUser'];
export type UpdateEndUserRequest = components['schemas']['UpdateEndUserRequest'];
export type CreateEndUserRequest = components['schemas']['CreateEndUserRequest'];
export type EndUserPage = Page<EndUser>;
export type { Page, PagePromise } from './pagination.js';

export interface RetryInfo {
  /** Which retry is about to happen: 1 for the first. */
  attempt: number;
  /** How long the client waits before it. */
  delayMs: number;
  /** Why: the connection error, timeout or retryable answer of the previous attempt. */
  error: AdaError;
}

export type AdaClientOptions = (
  | { /** Your instance handle: `acme`, or `acme.eu` on a regional host. */ instance: string; baseUrl?: never }
  | { /** Full base URL, e.g. a mock's `url`; the API paths are appended to it. */ baseUrl: string; instance?: never }
) & {
  /** API key, sent only as `Authorization: Bearer <token>`. */
  token: string;
  /** A fetch implementation; defaults to the client's own node:http transport. */
  fetch?: (input: Request) => Promise<Response>;
  /** Retries after the first attempt, for connection errors, timeouts, 408, 429 and 5xx (default 2). */
  maxRetries?: number;
  /**
   * The wait before retry n is random in [0, min(maxDelayMs, initialDelayMs * 2^(n-1))] (full jitter, as
   * Ada advises for 429s; defaults 500 and 8 000 ms), unless the answer carries a Retry-After.
   */
  backoff?: { initialDelayMs?: number; maxDelayMs?: number };
  /** Time limit of each attempt, body included (default 60 000 ms; at most 2^31 - 1, what a timer can hold). */
  timeoutMs?: number;
  /**
   * Largest answer read, in bytes after decoding (default 10 MB, 10 485 760 bytes: Ada's own request
   * limit, far above any End Users answer). A longer one stops being read and throws ResponseTooLargeError.
   */
  maxResponseBytes?: number;
  /**
   * Check request bodies and query parameters against the contract before sending (default true). Path
   * parameters are checked either way (a bad one would send the request, and the token, to another URL),
   * and so is text no URL can carry (a lone surrogate).
   */
  validateRequests?: boolean;
  /** Check every response body, success or error, against the contract (default false). */
  validateResponses?: boolean;
  /**
   * Which failures are worth another attempt (default `isRetryable`: connection errors, timeouts, 408,
   * 429 and 5xx). Asked only where a retry is safe at all: a call that must not be sent twice is retried
   * only where Ada cannot have acted on it, whatever this says.
   */
  shouldRetry?: (error: AdaError) => boolean;
  /** Called before each retry. */
  onRetry?: (info: RetryInfo) => void;
  /** Waits between retries (default: a timer). For tests and custom schedulers; must honour the signal. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
};

/** Per-call options. */
export interface RequestOptions {
  /** Extra request headers (e.g. Prism's `Prefer`): names must be HTTP tokens, values one line each. */
  headers?: Record<string, string>;
  /** Aborts the call at once, without retrying. */
  signal?: AbortSignal;
  timeoutMs?: number;
  maxRetries?: number;
}

export interface ListEndUsersParams {
  /** At most this many end users a page (1 to 100; Ada documents no default). */
  limit?: number;
  /** Start here (from a previous page; `getNextPage()` and `for await` follow pages for you). */
  cursor?: string;
}

export interface AdaClient {
  /** GET /v2/end-users/{end_user_id}: the end user. Throws NotFoundError (404) for an unknown id. */
  getEndUser(endUserId: string, options?: RequestOptions): Promise<EndUser>;
  /** PATCH /v2/end-users/{end_user_id}. Resolves to the updated end user; throws an AdaError otherwise. */
  updateEndUser(endUserId: string, body: UpdateEndUserRequest, options?: RequestOptions): Promise<EndUser>;
  /** GET /v2/end-users/?external_id=…: the end user that holds this external_id, or null (Ada's 404). */
  findEndUserByExternalId(externalId: string, options?: RequestOptions): Promise<EndUser | null>;
  /**
   * POST /v2/end-users/: `{ endUser, created }`, `created` true for a new end user (201), false for the
   * one that already holds the body's external_id (200). Without an external_id a create is not
   * idempotent, so it is retried only where Ada cannot have acted on it (429, no connection made).
   */
  createEndUser(body: CreateEndUserRequest, options?: RequestOptions): Promise<{ endUser: EndUser; created: boolean }>;
  /**
   * GET /v2/end-users/: awaited, one page (`data`, `nextPageUrl`, `hasNextPage()`, `getNextPage()`);
   * with `for await`, every end user across pages. A next_page_url elsewhere than this client's own
   * list URL is refused (ContractViolationError), never requested: it would carry the token.
   */
  listEndUsers(params?: ListEndUsersParams, options?: RequestOptions): PagePromise<EndUser>;
  /**
   * Any operation of the spec by operationId, any answer, for tools that judge answers themselves
   * (verifyProvider): the same checks, timeouts, limits and retries as every call, but a status is
   * returned rather than thrown (once the retries it calls for are spent), with its headers and its
   * body as received. `rawQuery` sends a query string as a server wrote it (a next_page_url's).
   */
  request(operationId: string, input: RequestParts & { rawQuery?: string }, options?: RequestOptions): Promise<RawAnswer>;
  /** The underlying typed openapi-fetch client (auth middleware included, redirects not followed; no retries, timeouts or limits). */
  readonly fetchClient: Client<paths>;
}

/** An answer as received: what `request()` resolves to. */
export interface RawAnswer {
  status: number;
  headers: Headers;
  /** The body, decoded, as text (within maxResponseBytes); `''` when there is none. */
  text: string;
}

/** Ada's body limit (the spec's `x-max-body-bytes`): no answer of hers is larger. */
export const DEFAULT_MAX_RESPONSE_BYTES = bodyLimit.bytes;

/** What a call sends: its parameters and body, or (following a next_page_url) a query string as the server wrote it. */
interface CallInput extends RequestParts {
  rawQuery?: string;
}

/** How a call treats answers: whether sending it twice is safe, and statuses that are answers, not errors. */
interface CallPolicy {
  idempotent: boolean;
  /** Non-2xx statuses returned to the method rather than thrown (404 for a lookup). */
  accept?: readonly number[];
  /** Every answer returned as received (after the retries it calls for), never thrown: `request()`. */
  raw?: boolean;
}

interface Answer {
  status: number;
  /** The parsed JSON body, `undefined` when there is none. */
  body: unknown;
}

type Outcome = { data?: unknown; error?: unknown; response: Response };

/** Connection errors that cannot have reached Ada (no connection was made). Kept off the public object. */
const cannotHaveArrived = new WeakSet<AdaConnectionError>();

export function createAdaClient(options: AdaClientOptions): AdaClient {
  const baseUrl = resolveBaseUrl(options);
  const token = checkToken(options.token);
  const defaults = {
    maxRetries: checkMaxRetries('createAdaClient', options.maxRetries ?? DEFAULT_RETRY_POLICY.maxRetries),
    timeoutMs: checkTimeout('createAdaClient', options.timeoutMs ?? 60_000),
  };
  const retryPolicy = { ...DEFAULT_RETRY_POLICY, ...checkBackoff(options.backoff) };
  const limits: ResponseLimits = { maxResponseBytes: checkMaxResponseBytes(options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES) };
  checkKinds('createAdaClient', options as unknown as Record<string, unknown>, {
    fetch: 'function',
    shouldRetry: 'function',
    onRetry: 'function',
    sleep: 'function',
    validateRequests: 'boolean',
    validateResponses: 'boolean',
  });
  const scrub = createScrub(token);
  const wait = options.sleep ?? realSleep;

  // `redirect: 'manual'`: Ada's API does not redirect, so a 3xx is an answer (an AdaApiError), never
  // followed: a caller's fetch would take the request, and on the same origin the token, where it points.
  const fetchClient = createClient<paths>({ baseUrl, redirect: 'manual', ...(options.fetch ? { fetch: options.fetch } : {}) });
  fetchClient.use(bearerAuth(token));
  // A middleware of the caller's sees (and may replace) real Requests; without one, the client hands
  // openapi-fetch a lighter Request class (bench/RESULTS.md: about 0.2 ms a call).
  let callerMiddleware = 0;
  const use = fetchClient.use.bind(fetchClient);
  const eject = fetchClient.eject.bind(fetchClient);
  fetchClient.use = (...middleware) => {
    use(...middleware);
    callerMiddleware += middleware.filter(Boolean).length;
  };
  fetchClient.eject = (...middleware) => {
    eject(...middleware);
    callerMiddleware = Math.max(0, callerMiddleware - middleware.filter(Boolean).length);
  };
  const send = options.fetch ? createFetchTransport(options.fetch, limits) : createNodeTransport(limits);
  const transport = () =>
    options.fetch || callerMiddleware > 0
      ? { fetch: send as (input: Request) => Promise<Response> }
      : { Request: LightRequest as unknown as typeof Request, fetch: send as (input: Request) => Promise<Response> };

  /** One call of an operation: checks, attempts, timeouts, retries; the answer, or an AdaError. */
  async function call(
    operationId: string,
    input: CallInput,
    perCall: RequestOptions,
    policy: CallPolicy & { raw: true },
  ): Promise<RawAnswer>;
  async function call(operationId: string, input: CallInput, perCall: RequestOptions, policy: CallPolicy): Promise<Answer>;
  async function call(operationId: string, input: CallInput, perCall: RequestOptions, policy: CallPolicy): Promise<Answer | RawAnswer> {
    const op = operation(operationId);
    const body = prepare(operationId, input, perCall);
    const maxRetries = perCall.maxRetries === undefined ? defaults.maxRetries : checkMaxRetries(operationId, perCall.maxRetries);
    const timeoutMs = perCall.timeoutMs === undefined ? defaults.timeoutMs : checkTimeout(operationId, perCall.timeoutMs);
    const caller = perCall.signal;
    const attempt = (signal: AbortSignal) =>
      fetchClient.request(
        op.method as 'get',
        op.path as never,
        {
          params: { path: input.path ?? {}, query: input.query ?? {} },
          ...(body === undefined ? {} : { body: input.body, bodySerializer: () => body }), // serialized once, before the first attempt
          ...(input.rawQuery === undefined ? {} : { querySerializer: () => input.rawQuery! }),
          // Parsed here rather than by openapi-fetch, so an empty or malformed body is reported with its
          // status instead of surfacing as a bare SyntaxError.
          parseAs: 'text',
          signal,
          ...(perCall.headers ? { headers: perCall.headers } : {}),
          ...transport(),
        } as never,
      ) as Promise<Outcome>;

    for (let retry = 0; ; retry++) {
      let outcome: Outcome | AdaConnectionError;
      try {
        outcome = await attemptOnce(attempt, timeoutMs, caller);
      } catch (error) {
        if (!(error instanceof AdaConnectionError)) throw error;
        outcome = error;
      }
      if (!(outcome instanceof AdaConnectionError)) {
        const { status } = outcome.response;
        if (policy.raw && outcome.response.ok) return rawAnswer(outcome);
        if (outcome.response.ok || policy.accept?.includes(status))
          return answer(operationId, status, outcome.response.ok ? outcome.data : outcome.error);
      }
      const error =
        outcome instanceof AdaConnectionError
          ? outcome
          : AdaApiError.from(outcome.response.status, outcome.error, outcome.response.headers, scrub);
      if (!mayRetry(error, policy) || retry >= maxRetries) {
        if (policy.raw && !(outcome instanceof AdaConnectionError)) return rawAnswer(outcome);
        if (!(outcome instanceof AdaConnectionError) && options.validateResponses) {
          const verdict = validateResponse(operationId, outcome.response.status, outcome.error);
          if (!verdict.ok) throw new ContractViolationError(outcome.response.status, verdict.errors, { scrub });
        }
        throw error;
      }
      const delayMs = retryDelayMs(retry + 1, retryPolicy, error instanceof AdaApiError ? error.headers : undefined);
      options.onRetry?.({ attempt: retry + 1, delayMs, error });
      await wait(delayMs, caller); // the caller's abort ends the wait at once
    }
  }

  /** An answer as received (openapi-fetch has parsed an error body it could: it goes back to JSON text). */
  function rawAnswer({ data, error, response }: Outcome): RawAnswer {
    const body = response.ok ? data : error;
    const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
    return { status: response.status, headers: response.headers, text };
  }

  /** Whether to try again: what may pass on a second try, and, for a call that is not safe to send twice, only what Ada cannot have acted on. */
  function mayRetry(error: AdaError, policy: CallPolicy): boolean {
    if (!(options.shouldRetry ?? isRetryable)(error)) return false;
    if (policy.idempotent) return true;
    return error instanceof RateLimitError || (error instanceof AdaConnectionError && cannotHaveArrived.has(error));
  }

  /**
   * A 2xx answer: JSON, of a status the operation documents, checked when asked. An accepted error
   * status (a lookup's 404) is handed on as it came.
   */
  function answer(operationId: string, status: number, content: unknown): Answer {
    if (status < 200 || status > 299) return { status, body: content };
    const { responses } = operation(operationId);
    if (!(String(status) in responses) && !('2XX' in responses)) {
      const documented = Object.keys(responses)
        .filter((s) => s.startsWith('2'))
        .join(', ');
      throw new ContractViolationError(
        status,
        [{ path: '', keyword: 'status', message: `must be a status ${operationId} answers with (${documented})` }],
        { scrub },
      );
    }
    if (typeof content !== 'string' || content === '') {
      throw new ContractViolationError(status, [
        { path: '', message: 'must be JSON the contract describes, but the body is empty', keyword: 'json' },
      ]);
    }
    const body = parseJson(status, content);
    if (options.validateResponses) {
      const verdict = validateResponse(operationId, status, body);
      if (!verdict.ok) throw new ContractViolationError(status, verdict.errors, { scrub });
    }
    return { status, body };
  }

  /**
   * One attempt under its own timeout. The caller's abort is rethrown as is; it is never retried. Only a
   * failure of the network becomes an AdaConnectionError (retryable); what the transport found wrong
   * with the answer has its own error, and a local failure (a middleware's, say) is rethrown as it is.
   */
  async function attemptOnce<T>(send: (signal: AbortSignal) => Promise<T>, timeoutMs: number, caller?: AbortSignal): Promise<T> {
    caller?.throwIfAborted();
    const timeout = AbortSignal.timeout(timeoutMs);
    try {
      return await send(caller ? AbortSignal.any([caller, timeout]) : timeout);
    } catch (error) {
      if (caller?.aborted) throw caller.reason;
      if (timeout.aborted) throw new AdaTimeoutError(`Ada did not answer within ${timeoutMs} ms`, { cause: error, scrub });
      if (error instanceof TransportError) throw fromTransport(error);
      throw error;
    }
  }

  function fromTransport(error: TransportError): AdaError {
    const status = error.status ?? 0;
    switch (error.kind) {
      case 'network': {
        const notHttp = /\bHPE_/.test(error.message);
        const connectionError = new AdaConnectionError(
          `${notHttp ? "Ada's answer is not valid HTTP" : 'could not reach Ada'}: ${error.message}`,
          { cause: error.cause, scrub },
        );
        if (!error.mayHaveArrived) cannotHaveArrived.add(connectionError);
        return connectionError;
      }
      case 'too-large':
        return new ResponseTooLargeError(status, limits.maxResponseBytes);
      case 'status':
        return new ContractViolationError(status, [{ path: '', keyword: 'status', message: 'must be an HTTP status from 200 to 599' }], {
          scrub,
        });
      case 'encoding':
        return new ContractViolationError(status, [{ path: '', keyword: 'content-encoding', message: error.message }], { scrub });
    }
  }

  /**
   * Everything a call checks before it sends: options, parameters, the body; returns the body as JSON
   * text. Path parameters are always checked (a bad one changes the URL); the contract's other rules
   * unless validateRequests is false; a body JSON cannot carry, always.
   */
  function prepare(operationId: string, input: CallInput, perCall: RequestOptions): string | undefined {
    if (typeof perCall !== 'object' || perCall === null) throw new TypeError(`${operationId}: options must be an object`);
    checkHeaders(operationId, perCall.headers);
    if (perCall.signal !== undefined && !(perCall.signal instanceof AbortSignal))
      throw new TypeError(`${operationId}: signal must be an AbortSignal`);
    const verdict = validateRequest(operationId, { ...input, ...(input.rawQuery === undefined ? {} : { query: {} }) });
    // What no URL can carry is refused even unvalidated: it would change the URL, or fail to encode at all.
    const issues: ValidationIssue[] = verdict.ok
      ? []
      : verdict.errors.filter((issue) => options.validateRequests !== false || issue.in === 'path' || issue.keyword === 'unicode');
    let text: string | undefined;
    if (input.body !== undefined) {
      const json = serializeJsonBody(input.body);
      if (json.ok) text = json.text;
      else if (!issues.some((issue) => issue.in === undefined)) issues.push(json.issue);
    }
    if (issues.length > 0) throw new AdaValidationError(issues, { scrub });
    return text;
  }

  /** The end user a 2xx answer holds. */
  const endUser = (answer: Answer) => answer.body as EndUser;

  /**
   * A page of the list, from its answer. Its next page is requested only where the walk's PageTrail
   * allows (this client's own list URL, a page not read yet, a walk that brings new end users), and only
   * once: asked again, getNextPage() gives the same page.
   */
  function page(answer: Answer, perCall: RequestOptions, trail: PageTrail): EndUserPage {
    const body = answer.body as { data?: unknown; meta?: { next_page_url?: unknown } };
    if (!Array.isArray(body?.data)) {
      throw new ContractViolationError(
        answer.status,
        [{ path: '/data', keyword: 'required', message: 'must be the page of end users a list answers with' }],
        { scrub },
      );
    }
    const data = body.data as EndUser[];
    const next = typeof body.meta?.next_page_url === 'string' ? body.meta.next_page_url : null;
    let verdict: NextPage | undefined;
    let following: Promise<EndUserPage> | undefined;
    return {
      data,
      nextPageUrl: next,
      hasNextPage: () => next !== null,
      getNextPage() {
        if (next === null) return Promise.reject(new Error('listEndUsers: this is the last page (hasNextPage() is false)'));
        // Judged when followed, so that a page with a bad next_page_url still gives its own end users.
        verdict ??= trail.next(
          next,
          data.map((user) => String(user?.end_user_id)),
        );
        if (!verdict.ok) return Promise.reject(new ContractViolationError(answer.status, [verdict.issue], { scrub }));
        const query = verdict.query;
        following ??= call('listEndUsers', { rawQuery: query }, perCall, { idempotent: true }).then(
          (nextAnswer) => page(nextAnswer, perCall, trail),
          (error: unknown) => {
            following = undefined; // a failed request may be asked for again
            throw error;
          },
        );
        return following;
      },
    };
  }

  return {
    fetchClient,
    async getEndUser(endUserId, options = {}) {
      return endUser(await call('getEndUser', { path: { end_user_id: endUserId } }, options, { idempotent: true }));
    },
    async updateEndUser(endUserId, body, options = {}) {
      return endUser(await call('updateEndUser', { path: { end_user_id: endUserId }, body }, options, { idempotent: true }));
    },
    async findEndUserByExternalId(externalId, options = {}) {
      if (typeof externalId !== 'string') {
        throw new AdaValidationError([{ path: '/external_id', in: 'query', keyword: 'type', message: 'must be a string' }], { scrub });
      }
      const found = await call('listEndUsers', { query: { external_id: externalId } }, options, { idempotent: true, accept: [404] });
      if (found.status === 404) return null;
      const verdict = validateEndUserResponse(found.body);
      if (!verdict.ok) {
        // The 200 of the list is a page or one end user; a lookup must answer the end user.
        throw new ContractViolationError(
          found.status,
          Array.isArray((found.body as { data?: unknown })?.data)
            ? [
                {
                  path: '',
                  keyword: 'oneOf',
                  message: 'must be the one end user a lookup by external_id answers with, not a page (Prism: send Prefer: example=lookup)',
                },
              ]
            : verdict.errors,
          { scrub },
        );
      }
      return endUser(found);
    },
    async createEndUser(body, options = {}) {
      const created = await call('createEndUser', { body }, options, { idempotent: isIdempotent('createEndUser', { body }) });
      return { endUser: endUser(created), created: created.status === 201 };
    },
    request(operationId, input, options = {}) {
      if (typeof input !== 'object' || input === null)
        throw new TypeError(`${operationId}: input must be an object { path?, query?, body?, rawQuery? }`);
      return call(operationId, input, options, { idempotent: isIdempotent(operationId, input), raw: true });
    },
    listEndUsers(params = {}, options = {}) {
      if (typeof params !== 'object' || params === null) throw new TypeError('listEndUsers: params must be an object');
      const query = Object.fromEntries(Object.entries(params).filter(([, value]) => value !== undefined));
      return new PagePromise(async () => {
        const first = await call('listEndUsers', { query }, options, { idempotent: true });
        return page(
          first,
          options,
          new PageTrail(`${baseUrl}${operation('listEndUsers').path}`, new URLSearchParams(query as Record<string, string>)),
        );
      });
    },
  };
}

/**
 * Whether sending a request twice is safe: every method but POST; a POST only as Ada's create is an
 * upsert by external_id (one with an external_id may be sent twice, one without would make two end users).
 */
function isIdempotent(operationId: string, input: RequestParts): boolean {
  if (operation(operationId).method !== 'post') return true;
  const externalId = (input.body as { external_id?: unknown } | null | undefined)?.external_id;
  return operationId === 'createEndUser' && typeof externalId === 'string' && externalId !== '';
}

/** The JSON of an answer's body; anything else breaks the contract, which promises JSON. */
function parseJson(status: number, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new ContractViolationError(status, [{ path: '', message: 'must be JSON, but does not parse', keyword: 'json' }]);
  }
}

function bearerAuth(token: string): Middleware {
  return {
    onRequest({ request }) {
      request.headers.set('Authorization', `Bearer ${token}`);
      return request;
    },
  };
}
