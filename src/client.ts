// The typed client: openapi-fetch underneath (reachable as `fetchClient`), auth as a middleware, and
// around each call what a production client needs: local request validation, a timeout per attempt,
// retries with backoff for what may pass on a second try, and one typed error per outcome.
import createClient, { type Client, type Middleware } from 'openapi-fetch';
import type { components, paths } from '../generated/schema.js';
import {
  AdaApiError,
  AdaConnectionError,
  AdaTimeoutError,
  AdaValidationError,
  ContractViolationError,
  type AdaError,
  type Scrub,
} from './errors.js';
import { DEFAULT_RETRY_POLICY, isRetryable, retryDelayMs, sleep as realSleep } from './retry.js';
import { LightRequest, nodeFetch } from './transport.js';
import { openapiDocument, UPDATE_END_USER_PATH } from './spec.js';
import { validateEndUserResponse, validateErrorsResponse, validateUpdateEndUserRequest } from './validation.js';

export type EndUser = components['schemas']['EndUser'];
export type UpdateEndUserRequest = components['schemas']['UpdateEndUserRequest'];

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
  /** A fetch implementation; defaults to the global fetch. */
  fetch?: (input: Request) => Promise<Response>;
  /** Retries after the first attempt, for connection errors, timeouts, 408, 429 and 5xx (default 2). */
  maxRetries?: number;
  /** Time limit of each attempt, body included (default 60 000 ms). */
  timeoutMs?: number;
  /** Check request bodies against the contract before sending (default true). */
  validateRequests?: boolean;
  /** Check every response body, success or error, against the contract (default false). */
  validateResponses?: boolean;
  /** Called before each retry. */
  onRetry?: (info: RetryInfo) => void;
  /** Waits between retries (default: a timer). For tests and custom schedulers; must honour the signal. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
};

/** Per-call options. */
export interface RequestOptions {
  /** Extra request headers (e.g. Prism's `Prefer`). */
  headers?: Record<string, string>;
  /** Aborts the call at once, without retrying. */
  signal?: AbortSignal;
  timeoutMs?: number;
  maxRetries?: number;
}

export interface AdaClient {
  /** PATCH /v2/end-users/{end_user_id}. Resolves to the updated end user; throws an AdaError otherwise. */
  updateEndUser(endUserId: string, body: UpdateEndUserRequest, options?: RequestOptions): Promise<EndUser>;
  /** The underlying typed openapi-fetch client (auth middleware included; no retries or timeouts). */
  readonly fetchClient: Client<paths>;
}

// One or two DNS labels: `acme`, `acme.eu`.
const INSTANCE_PATTERN = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)?$/i;

interface Outcome {
  data?: unknown;
  error?: unknown;
  response: Response;
}

export function createAdaClient(options: AdaClientOptions): AdaClient {
  const baseUrl = resolveBaseUrl(options);
  const token = options.token;
  if (typeof token !== 'string' || token === '' || /\s/.test(token)) {
    // Never echo the value: it is a credential.
    throw new TypeError('createAdaClient: token must be a non-empty string without whitespace');
  }
  const defaults = {
    maxRetries: checkMaxRetries('createAdaClient', options.maxRetries ?? DEFAULT_RETRY_POLICY.maxRetries),
    timeoutMs: checkTimeout('createAdaClient', options.timeoutMs ?? 60_000),
  };
  const scrub: Scrub = (text) => text.split(token).join('[redacted]');
  const wait = options.sleep ?? realSleep;

  const fetchClient = createClient<paths>({ baseUrl, ...(options.fetch ? { fetch: options.fetch } : {}) });
  fetchClient.use(bearerAuth(token));
  // The lighter transport unless the caller brought a fetch of its own (which expects real Requests).
  const transport = options.fetch
    ? {}
    : { Request: LightRequest as unknown as typeof Request, fetch: nodeFetch as unknown as (input: Request) => Promise<Response> };

  /** Runs one call: attempts, timeouts, retries; returns the final 2xx outcome or throws. */
  async function execute(send: (signal: AbortSignal) => Promise<Outcome>, call: RequestOptions): Promise<Outcome> {
    const maxRetries = call.maxRetries === undefined ? defaults.maxRetries : checkMaxRetries('updateEndUser', call.maxRetries);
    const timeoutMs = call.timeoutMs === undefined ? defaults.timeoutMs : checkTimeout('updateEndUser', call.timeoutMs);
    const caller = call.signal;
    for (let attempt = 0; ; attempt++) {
      const outcome = await attemptOnce(send, timeoutMs, caller).catch((error: unknown) => {
        if (error instanceof AdaConnectionError) return error;
        throw error;
      });
      if (!(outcome instanceof AdaConnectionError) && outcome.response.ok) return outcome;
      const error = outcome instanceof AdaConnectionError
        ? outcome
        : AdaApiError.from(outcome.response.status, outcome.error, outcome.response.headers, scrub);
      if (!isRetryable(error) || attempt >= maxRetries) {
        if (!(outcome instanceof AdaConnectionError) && options.validateResponses) {
          const verdict = validateErrorsResponse(outcome.error);
          if (!verdict.ok) throw new ContractViolationError(outcome.response.status, verdict.errors);
        }
        throw error;
      }
      const delayMs = retryDelayMs(attempt + 1, DEFAULT_RETRY_POLICY, error instanceof AdaApiError ? error.headers : undefined);
      options.onRetry?.({ attempt: attempt + 1, delayMs, error });
      await wait(delayMs, caller); // the caller's abort ends the wait at once
    }
  }

  /** One attempt under its own timeout. The caller's abort is rethrown as is; it is never retried. */
  async function attemptOnce(send: (signal: AbortSignal) => Promise<Outcome>, timeoutMs: number, caller?: AbortSignal) {
    caller?.throwIfAborted();
    const timeout = AbortSignal.timeout(timeoutMs);
    try {
      return await send(caller ? AbortSignal.any([caller, timeout]) : timeout);
    } catch (error) {
      if (caller?.aborted) throw caller.reason;
      if (timeout.aborted) throw new AdaTimeoutError(`Ada did not answer within ${timeoutMs} ms`, { cause: error, scrub });
      throw new AdaConnectionError(`could not reach Ada: ${describe(error)}`, { cause: error, scrub });
    }
  }

  return {
    fetchClient,
    async updateEndUser(endUserId, body, call = {}) {
      if (typeof endUserId !== 'string' || endUserId === '') {
        throw new TypeError('updateEndUser: endUserId must be a non-empty string');
      }
      if (options.validateRequests !== false) {
        const verdict = validateUpdateEndUserRequest(body);
        if (!verdict.ok) throw new AdaValidationError(verdict.errors);
      }
      const { data, response } = await execute(
        (signal) =>
          fetchClient.PATCH(UPDATE_END_USER_PATH, {
            params: { path: { end_user_id: endUserId } },
            body,
            // Parsed here rather than by openapi-fetch, so an empty or malformed body is reported
            // with its status instead of surfacing as a bare SyntaxError.
            parseAs: 'text',
            signal,
            ...(call.headers ? { headers: call.headers } : {}),
            ...transport,
          }),
        call,
      );
      const user = parseJson(response.status, data);
      if (options.validateResponses) {
        const verdict = validateEndUserResponse(user);
        if (!verdict.ok) throw new ContractViolationError(response.status, verdict.errors);
      }
      return user as EndUser;
    },
  };
}

/** The body of a 2xx answer: it must be JSON, since the contract promises an end user. */
function parseJson(status: number, text: unknown): unknown {
  if (typeof text !== 'string' || text === '') {
    throw new ContractViolationError(status, [{ path: '', message: 'must be an end user, but the body is empty', keyword: 'json' }]);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new ContractViolationError(status, [{ path: '', message: 'must be JSON, but does not parse', keyword: 'json' }]);
  }
}

function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  const message = typeof cause?.message === 'string' ? cause.message : (error as Error).message;
  return code && !message.includes(code) ? `${code} (${message})` : message;
}

function checkMaxRetries(where: string, value: unknown): number {
  if (!Number.isInteger(value) || (value as number) < 0) throw new TypeError(`${where}: maxRetries must be an integer >= 0`);
  return value as number;
}

function checkTimeout(where: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new TypeError(`${where}: timeoutMs must be a positive number of milliseconds`);
  }
  return value;
}

function bearerAuth(token: string): Middleware {
  return {
    onRequest({ request }) {
      request.headers.set('Authorization', `Bearer ${token}`);
      return request;
    },
  };
}

function resolveBaseUrl(options: AdaClientOptions): string {
  const { instance, baseUrl } = options as { instance?: unknown; baseUrl?: unknown };
  if ((instance === undefined) === (baseUrl === undefined)) {
    throw new TypeError('createAdaClient: pass exactly one of instance or baseUrl');
  }
  if (instance !== undefined) {
    if (typeof instance !== 'string' || !INSTANCE_PATTERN.test(instance)) {
      throw new TypeError('createAdaClient: instance must be a host label such as "acme" or "acme.eu"');
    }
    return openapiDocument.servers[0]!.url.replace('{instance}', instance); // the spec's server template
  }
  let url: URL;
  try {
    url = new URL(String(baseUrl));
  } catch {
    throw new TypeError('createAdaClient: baseUrl must be an absolute http(s) URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError('createAdaClient: baseUrl must be an absolute http(s) URL');
  }
  if (url.username || url.password) {
    throw new TypeError('createAdaClient: baseUrl must not contain credentials; pass token instead');
  }
  return url.href.replace(/\/+$/, '');
}
