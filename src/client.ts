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
  createScrub,
  ResponseTooLargeError,
  type AdaError,
  type Scrub,
} from './errors.js';
import { serializeJsonBody } from './json-body.js';
import { DEFAULT_RETRY_POLICY, isRetryable, retryDelayMs, sleep as realSleep } from './retry.js';
import { createFetchTransport, createNodeTransport, LightRequest, TransportError, type ResponseLimits } from './transport.js';
import { openapiDocument, parameterPointers, UPDATE_END_USER_PATH } from './spec.js';
import {
  validateEndUserResponse,
  validateErrorsResponse,
  validateParameter,
  validateUpdateEndUserRequest,
  type ValidationIssue,
} from './validation.js';

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
  /** Time limit of each attempt, body included (default 60 000 ms; at most 2^31 - 1, what a timer can hold). */
  timeoutMs?: number;
  /**
   * Largest answer read, in bytes after decoding (default 10 MB, 10 485 760 bytes: Ada's own request
   * limit, far above any End Users answer). A longer one stops being read and throws ResponseTooLargeError.
   */
  maxResponseBytes?: number;
  /**
   * Check request bodies against the contract before sending (default true). Path parameters are
   * checked either way: a bad one would send the request, and the token, to another URL.
   */
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
  /** Extra request headers (e.g. Prism's `Prefer`): names must be HTTP tokens, values one line each. */
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
// What an Authorization header can carry: visible ASCII (RFC 6750's b64token is a subset of it).
const TOKEN_PATTERN = /^[\x21-\x7e]+$/;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
/** The longest delay a Node timer can hold; a longer one fires at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;
export const DEFAULT_MAX_RESPONSE_BYTES = 10 * 1024 * 1024;

interface Outcome {
  data?: unknown;
  error?: unknown;
  response: Response;
}

export function createAdaClient(options: AdaClientOptions): AdaClient {
  const baseUrl = resolveBaseUrl(options);
  const token = options.token;
  if (typeof token !== 'string' || !TOKEN_PATTERN.test(token)) {
    // Never echo the value: it is a credential.
    throw new TypeError('createAdaClient: token must be a non-empty string without whitespace, of visible ASCII characters');
  }
  const defaults = {
    maxRetries: checkMaxRetries('createAdaClient', options.maxRetries ?? DEFAULT_RETRY_POLICY.maxRetries),
    timeoutMs: checkTimeout('createAdaClient', options.timeoutMs ?? 60_000),
  };
  const limits: ResponseLimits = { maxResponseBytes: checkMaxResponseBytes(options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES) };
  checkKinds('createAdaClient', options as unknown as Record<string, unknown>, { fetch: 'function', onRetry: 'function', sleep: 'function',
    validateRequests: 'boolean', validateResponses: 'boolean' });
  const scrub = createScrub(token);
  const wait = options.sleep ?? realSleep;

  const fetchClient = createClient<paths>({ baseUrl, ...(options.fetch ? { fetch: options.fetch } : {}) });
  fetchClient.use(bearerAuth(token));
  // The lighter transport unless the caller brought a fetch of its own (which expects real Requests).
  const transport = options.fetch
    ? { fetch: createFetchTransport(options.fetch, limits) }
    : { Request: LightRequest as unknown as typeof Request, fetch: createNodeTransport(limits) as unknown as (input: Request) => Promise<Response> };

  /** Runs one call: attempts, timeouts, retries; returns the final 2xx outcome or throws. */
  async function execute(operation: string, send: (signal: AbortSignal) => Promise<Outcome>, call: RequestOptions): Promise<Outcome> {
    const maxRetries = call.maxRetries === undefined ? defaults.maxRetries : checkMaxRetries(operation, call.maxRetries);
    const timeoutMs = call.timeoutMs === undefined ? defaults.timeoutMs : checkTimeout(operation, call.timeoutMs);
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
          if (!verdict.ok) throw new ContractViolationError(outcome.response.status, verdict.errors, { scrub });
        }
        throw error;
      }
      const delayMs = retryDelayMs(attempt + 1, DEFAULT_RETRY_POLICY, error instanceof AdaApiError ? error.headers : undefined);
      options.onRetry?.({ attempt: attempt + 1, delayMs, error });
      await wait(delayMs, caller); // the caller's abort ends the wait at once
    }
  }

  /**
   * One attempt under its own timeout. The caller's abort is rethrown as is; it is never retried. Only a
   * failure of the network becomes an AdaConnectionError (retryable); what the transport found wrong
   * with the answer has its own error, and a local failure (a middleware's, say) is rethrown as it is.
   */
  async function attemptOnce(send: (signal: AbortSignal) => Promise<Outcome>, timeoutMs: number, caller?: AbortSignal) {
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
        return new AdaConnectionError(`${notHttp ? "Ada's answer is not valid HTTP" : 'could not reach Ada'}: ${error.message}`, { cause: error.cause, scrub });
      }
      case 'too-large':
        return new ResponseTooLargeError(status, limits.maxResponseBytes);
      case 'status':
        return new ContractViolationError(status, [{ path: '', keyword: 'status', message: 'must be an HTTP status from 200 to 599' }], { scrub });
      case 'encoding':
        return new ContractViolationError(status, [{ path: '', keyword: 'content-encoding', message: error.message }], { scrub });
    }
  }

  /** Everything a call checks before it sends: options, parameters, the body. Throws AdaValidationError. */
  function prepare(operation: string, call: RequestOptions, parameters: Array<[pointer: string, value: unknown]>, body?: { value: unknown; validate: typeof validateUpdateEndUserRequest }) {
    if (typeof call !== 'object' || call === null) throw new TypeError(`${operation}: options must be an object`);
    checkHeaders(operation, call.headers);
    if (call.signal !== undefined && !(call.signal instanceof AbortSignal)) throw new TypeError(`${operation}: signal must be an AbortSignal`);
    const issues: ValidationIssue[] = [];
    for (const [pointer, value] of parameters) {
      const verdict = validateParameter(pointer, value);
      if (!verdict.ok) issues.push(...verdict.errors);
    }
    let text: string | undefined;
    if (body) {
      if (options.validateRequests !== false) {
        const verdict = body.validate(body.value);
        if (!verdict.ok) issues.push(...verdict.errors);
      }
      const json = serializeJsonBody(body.value);
      if (json.ok) text = json.text;
      else if (!issues.some((issue) => issue.in === undefined)) issues.push(json.issue);
    }
    if (issues.length > 0) throw new AdaValidationError(issues, { scrub });
    return text;
  }

  return {
    fetchClient,
    async updateEndUser(endUserId, body, call = {}) {
      const text = prepare('updateEndUser', call, [[parameterPointers.endUserId, endUserId]], { value: body, validate: validateUpdateEndUserRequest });
      const { data, response } = await execute(
        'updateEndUser',
        (signal) =>
          fetchClient.PATCH(UPDATE_END_USER_PATH, {
            params: { path: { end_user_id: endUserId } },
            body,
            bodySerializer: () => text, // serialized once, before the first attempt
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
        if (!verdict.ok) throw new ContractViolationError(response.status, verdict.errors, { scrub });
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

function checkMaxRetries(where: string, value: unknown): number {
  if (!Number.isInteger(value) || (value as number) < 0) throw new TypeError(`${where}: maxRetries must be an integer >= 0`);
  return value as number;
}

function checkTimeout(where: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > MAX_TIMER_MS) {
    throw new TypeError(`${where}: timeoutMs must be a positive number of milliseconds, at most ${MAX_TIMER_MS} (what a timer can hold)`);
  }
  return value;
}

function checkMaxResponseBytes(value: unknown): number {
  if (!Number.isSafeInteger(value) || (value as number) < 1) {
    throw new TypeError('createAdaClient: maxResponseBytes must be a positive integer number of bytes');
  }
  return value as number;
}

/** Options that must be of one kind when present (a string where a function belongs fails much later otherwise). */
function checkKinds(where: string, options: Record<string, unknown>, kinds: Record<string, 'function' | 'boolean'>): void {
  for (const [name, kind] of Object.entries(kinds)) {
    if (options[name] !== undefined && typeof options[name] !== kind) throw new TypeError(`${where}: ${name} must be a ${kind}`);
  }
}

function checkHeaders(where: string, headers: unknown): void {
  if (headers === undefined) return;
  if (typeof headers !== 'object' || headers === null) throw new TypeError(`${where}: headers must be an object of header names and values`);
  for (const [name, value] of Object.entries(headers)) {
    if (!HEADER_NAME.test(name)) throw new TypeError(`${where}: headers: ${JSON.stringify(name)} is not a valid header name`);
    if (typeof value !== 'string' || !HEADER_VALUE.test(value)) {
      throw new TypeError(`${where}: headers["${name}"] must be a string of one line (no control characters, Latin-1 only)`);
    }
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
  if (/[?#]/.test(String(baseUrl))) {
    // The API paths are appended to the base URL: after a query or a fragment they would route nowhere.
    throw new TypeError('createAdaClient: baseUrl must not contain a query (?) or a fragment (#)');
  }
  return url.href.replace(/\/+$/, '');
}
