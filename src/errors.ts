// The kit's error classes, in the manner of Stainless-generated SDKs: AdaError is the root, so one
// instanceof catches everything the kit throws; AdaApiError is any non-2xx answer, with a subclass per
// status a caller may want to branch on; connection problems and contract problems have their own.
// None of them ever holds the API token (see sanitizeCause and redactHeaders).
import type { components } from '../generated/schema.js';
import type { ValidationIssue } from './validation.js';
import { formatValidationIssues } from './validation.js';

export type AdaErrorItem = components['schemas']['Error'];

/** Root of every error the kit throws on purpose. */
export class AdaError extends Error {
  override name = 'AdaError';
}

/** Removes a secret from text; the client passes one that blanks out its API token. */
export type Scrub = (text: string) => string;
const keep: Scrub = (text) => text;

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
    const scrubbed = errors.map((item) => JSON.parse(scrub(JSON.stringify(item))) as AdaErrorItem);
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
    const ErrorClass = STATUS_CLASSES[status] ?? (status >= 500 ? InternalServerError : AdaApiError);
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

/** The request breaks the contract; thrown before anything is sent. */
export class AdaValidationError extends AdaError {
  override name = 'AdaValidationError';
  /** Every broken rule, with JSON-pointer paths into the body. */
  readonly issues: ValidationIssue[];
  constructor(issues: ValidationIssue[]) {
    super(`request body breaks the contract:\n${formatValidationIssues(issues)}`);
    this.issues = issues;
  }
}

/** A response breaks the contract (checked with `validateResponses`, or not JSON at all). */
export class ContractViolationError extends AdaError {
  override name = 'ContractViolationError';
  /** Status of the offending answer. */
  readonly status: number;
  /** What is wrong with its body, with JSON-pointer paths. */
  readonly issues: ValidationIssue[];
  constructor(status: number, issues: ValidationIssue[]) {
    super(`Ada's ${status} response breaks the contract:\n${formatValidationIssues(issues)}`);
    this.status = status;
    this.issues = issues;
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
