// The kit's error classes, in the manner of Stainless-generated SDKs: AdaError is the root, so one
// instanceof catches everything the kit throws; AdaApiError is any non-2xx answer, with a subclass per
// status a caller may want to branch on; connection problems and contract problems have their own.
// None of them ever holds the API token (see sanitizeCause and redactHeaders).
import type { components } from '../../generated/schema.js';
import { formatValidationIssues, type ValidationIssue } from '../contract/issues.js';

export type AdaErrorItem = components['schemas']['Error'];

/** Root of every error the kit throws on purpose. */
export class AdaError extends Error {
  override name = 'AdaError';
}

/** Removes a secret from text; the client passes one that blanks out its API token. */
export type Scrub = (text: string) => string;
const keep: Scrub = (text) => text;

/** Below this length a secret is redacted only where it stands as a word of its own (see createScrub). */
const SHORT_SECRET = 8;
const WORD = 'A-Za-z0-9';

/**
 * A Scrub that replaces `secret` with `[redacted]`, in the forms it may take in text: as is, percent-
 * encoded (a URL) and JSON-escaped (a serialized body). A secret of 8 characters or more is replaced
 * wherever it occurs; a shorter one only where no letter or digit touches it, so that a token `t` does
 * not turn "connection" into "connec[redacted]ion" (while `Bearer t` still loses it).
 */
/** `text` as a RegExp that matches it literally. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function createScrub(secret: string): Scrub {
  if (secret === '') return keep;
  const forms = [...new Set([secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)])]
    .sort((a, b) => b.length - a.length)
    .map(escapeRegExp);
  const alternatives = forms.join('|');
  const pattern =
    secret.length >= SHORT_SECRET ? new RegExp(alternatives, 'g') : new RegExp(`(?<![${WORD}])(?:${alternatives})(?![${WORD}])`, 'g');
  return (text) => text.replace(pattern, '[redacted]');
}

/** A copy of a JSON-like value with every string scrubbed, object keys included (a key may be the secret). */
function scrubDeep<T>(value: T, scrub: Scrub): T {
  if (typeof value === 'string') return scrub(value) as T;
  if (Array.isArray(value)) return value.map((item) => scrubDeep(item, scrub)) as T;
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [scrub(key), scrubDeep(item, scrub)])) as T;
  }
  return value;
}

export interface AdaApiErrorInit {
  status: number;
  errors: AdaErrorItem[];
  headers: Headers;
  /** Applied to Ada's messages and to header values, in case an answer echoes the token. */
  scrub?: Scrub;
}

/** Ada answered with a non-2xx status. `AdaApiError.from` picks the subclass for the status. */
export class AdaApiError extends AdaError {
  override name = 'AdaApiError';
  /** HTTP status of Ada's answer. */
  readonly status: number;
  /** The `errors[]` of Ada's error body; empty when the body was not the documented shape. */
  readonly errors: AdaErrorItem[];
  /** Response headers, with any credential header redacted. */
  readonly headers: Headers;
  /** The request id from `x-request-id` or `request-id`, where the answer carries one (Ada documents none). */
  readonly requestId: string | undefined;

  constructor({ status, errors, headers, scrub = keep }: AdaApiErrorInit) {
    const scrubbed = scrubDeep(errors, scrub);
    const first = scrubbed[0]?.message;
    super(`Ada API responded ${status}: ${first ?? 'no error message in the response body'}`);
    this.status = status;
    this.errors = scrubbed;
    this.headers = redactHeaders(headers, scrub);
    this.requestId = this.headers.get('x-request-id') ?? this.headers.get('request-id') ?? undefined;
  }

  /** The error for a non-2xx answer; `body` is the parsed body, if any. */
  static from(status: number, body: unknown, headers: Headers, scrub?: Scrub): AdaApiError {
    const init = { status, errors: errorItems(body), headers, ...(scrub ? { scrub } : {}) };
    const redirect = (status >= 300 && status < 400) || status === 0; // 0: a browser's opaque redirect
    const ErrorClass = STATUS_CLASSES[status] ?? (status >= 500 ? InternalServerError : redirect ? RedirectError : AdaApiError);
    return new ErrorClass(init);
  }
}

export class BadRequestError extends AdaApiError {
  override name = 'BadRequestError';
}
export class AuthenticationError extends AdaApiError {
  override name = 'AuthenticationError';
}
export class PermissionDeniedError extends AdaApiError {
  override name = 'PermissionDeniedError';
}
export class NotFoundError extends AdaApiError {
  override name = 'NotFoundError';
}
/** 409: the requested `external_id` already belongs to another end user. Retrying will not help. */
export class ConflictError extends AdaApiError {
  override name = 'ConflictError';
}
export class UnprocessableEntityError extends AdaApiError {
  override name = 'UnprocessableEntityError';
}
export class RateLimitError extends AdaApiError {
  override name = 'RateLimitError';
}
/**
 * 3xx: Ada's API does not redirect, and the client never follows one (the request, and on the same origin
 * the token, would go where it points); `headers` holds its Location. Browsers hide a redirect from
 * scripts: there `status` is 0.
 */
export class RedirectError extends AdaApiError {
  override name = 'RedirectError';
  constructor(init: AdaApiErrorInit) {
    super(init);
    this.message =
      init.status === 0
        ? 'Ada API responded with a redirect (the browser hides its status), which the client does not follow'
        : `Ada API responded ${init.status}: a redirect, which the client does not follow`;
  }
}
/** Any status from 500 up. */
export class InternalServerError extends AdaApiError {
  override name = 'InternalServerError';
}

const STATUS_CLASSES: Record<number, new (init: AdaApiErrorInit) => AdaApiError> = {
  400: BadRequestError,
  401: AuthenticationError,
  403: PermissionDeniedError,
  404: NotFoundError,
  409: ConflictError,
  422: UnprocessableEntityError,
  429: RateLimitError,
};

/** No answer: the connection failed, was reset, or the host name did not resolve. */
export class AdaConnectionError extends AdaError {
  override name = 'AdaConnectionError';
  constructor(message: string, options: { cause?: unknown; scrub?: Scrub } = {}) {
    const scrub = options.scrub ?? keep;
    super(scrub(message), options.cause === undefined ? undefined : { cause: sanitizeCause(options.cause, scrub) });
  }
}

/** No answer within the attempt's timeout. */
export class AdaTimeoutError extends AdaConnectionError {
  override name = 'AdaTimeoutError';
}

/** The request breaks the contract, or cannot be sent at all; thrown before anything is sent. */
export class AdaValidationError extends AdaError {
  override name = 'AdaValidationError';
  /** Every broken rule: JSON-pointer paths into the body, or the parameter (`in: 'path'`). */
  readonly issues: ValidationIssue[];
  constructor(issues: ValidationIssue[], options: { scrub?: Scrub } = {}) {
    const scrubbed = scrubDeep(issues, options.scrub ?? keep);
    super(`request breaks the contract:\n${formatValidationIssues(scrubbed)}`);
    this.issues = scrubbed;
  }
}

/**
 * A response breaks the contract: its body (checked with `validateResponses`, or not JSON at all), its
 * status (outside 200-599) or its encoding (one the client cannot decode). Never retried.
 */
export class ContractViolationError extends AdaError {
  override name = 'ContractViolationError';
  /** Status of the offending answer. */
  readonly status: number;
  /** What is wrong with it, with JSON-pointer paths into the body (`''` for the whole answer). */
  readonly issues: ValidationIssue[];
  constructor(status: number, issues: ValidationIssue[], options: { scrub?: Scrub } = {}) {
    const scrubbed = scrubDeep(issues, options.scrub ?? keep);
    super(`Ada's ${status} response breaks the contract:\n${formatValidationIssues(scrubbed)}`);
    this.status = status;
    this.issues = scrubbed;
  }
}

/** An answer larger than the client's `maxResponseBytes`: reading stopped there. Never retried. */
export class ResponseTooLargeError extends AdaError {
  override name = 'ResponseTooLargeError';
  /** Status of the answer. */
  readonly status: number;
  /** The limit it went over, in bytes (decoded bytes, for a compressed answer). */
  readonly maxResponseBytes: number;
  constructor(status: number, maxResponseBytes: number) {
    super(`Ada's ${status} response is larger than maxResponseBytes (${maxResponseBytes} bytes); the client stopped reading it`);
    this.status = status;
    this.maxResponseBytes = maxResponseBytes;
  }
}

/** The `errors[]` of a body, keeping only items with the documented `type` and `message` strings. */
function errorItems(body: unknown): AdaErrorItem[] {
  const list = (body as { errors?: unknown } | null | undefined)?.errors;
  if (!Array.isArray(list)) return [];
  return list.filter(
    (item): item is AdaErrorItem =>
      typeof item === 'object' && item !== null && typeof item.type === 'string' && typeof item.message === 'string',
  );
}

const CREDENTIAL_HEADERS = ['authorization', 'proxy-authorization', 'cookie', 'set-cookie'];

function redactHeaders(headers: Headers, scrub: Scrub): Headers {
  const copy = new Headers();
  for (const [name, value] of headers) copy.append(name, CREDENTIAL_HEADERS.includes(name) ? '[redacted]' : scrub(value));
  return copy;
}

/**
 * A copy of an error chain that keeps names, messages and codes but nothing else: a fetch
 * implementation's error may hold the Request, and with it the Authorization header.
 */
function sanitizeCause(cause: unknown, scrub: Scrub, depth = 0): Error {
  const source = (cause ?? {}) as { name?: unknown; message?: unknown; code?: unknown; cause?: unknown };
  const nested = source.cause !== undefined && depth < 3 ? { cause: sanitizeCause(source.cause, scrub, depth + 1) } : undefined;
  const copy = new Error(scrub(typeof source.message === 'string' ? source.message : String(cause)), nested);
  copy.name = typeof source.name === 'string' ? source.name : 'Error';
  if (typeof source.code === 'string') (copy as Error & { code?: string }).code = source.code;
  return copy;
}
