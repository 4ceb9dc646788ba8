// The kit's error classes. AdaError is the root so callers can catch everything the kit throws with
// one instanceof; AdaApiError is any non-2xx answer. Per-status subclasses hang off AdaApiError.from().
import type { components } from '../generated/schema.js';

export type AdaErrorItem = components['schemas']['Error'];

/** Root of every error the kit throws on purpose. */
export class AdaError extends Error {
  override name = 'AdaError';
}

export interface AdaApiErrorInit {
  status: number;
  errors: AdaErrorItem[];
  headers: Headers;
}

/** Ada answered with a non-2xx status. */
export class AdaApiError extends AdaError {
  override name = 'AdaApiError';
  /** HTTP status of Ada's answer. */
  readonly status: number;
  /** The `errors[]` of Ada's error body; empty when the body was not the documented shape. */
  readonly errors: AdaErrorItem[];
  /** Response headers, with any credential header redacted. */
  readonly headers: Headers;

  constructor({ status, errors, headers }: AdaApiErrorInit) {
    const first = errors[0]?.message;
    super(`Ada API responded ${status}: ${first ?? 'no error message in the response body'}`);
    this.status = status;
    this.errors = errors;
    this.headers = redactHeaders(headers);
  }

  /** Builds the error for a response; `body` is the parsed body, if any. */
  static from(response: Response, body: unknown): AdaApiError {
    return new AdaApiError({ status: response.status, errors: errorItems(body), headers: response.headers });
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

function redactHeaders(headers: Headers): Headers {
  const copy = new Headers(headers);
  for (const name of CREDENTIAL_HEADERS) if (copy.has(name)) copy.set(name, '[redacted]');
  return copy;
}
