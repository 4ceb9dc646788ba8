// When and how long to wait before trying a request again. Ada recommends exponential backoff with
// jitter for 429s; it documents no Retry-After header, but one is honoured if an answer carries it.
import { AdaApiError, AdaConnectionError, type AdaError } from './errors.js';

export interface RetryPolicy {
  /** Retries after the first attempt (default 2). */
  maxRetries: number;
  /** Backoff before retry n is a random delay in [0, min(maxDelayMs, initialDelayMs * 2^(n-1))]. */
  initialDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxRetries: 2, initialDelayMs: 500, maxDelayMs: 8_000 };

/** Longest Retry-After honoured; a longer one falls back to the policy's own backoff. */
const MAX_RETRY_AFTER_MS = 60_000;

/** Connection errors, timeouts, 408, 429 and 5xx may pass on a second try; other 4xx will not. */
export function isRetryable(error: AdaError): boolean {
  if (error instanceof AdaConnectionError) return true;
  if (error instanceof AdaApiError) return error.status === 408 || error.status === 429 || error.status >= 500;
  return false;
}

/**
 * Delay before retry number `retry` (1 for the first retry): the answer's Retry-After (seconds or an
 * HTTP date) when present and sane, else exponential backoff with full jitter.
 */
export function retryDelayMs(retry: number, policy: RetryPolicy, headers?: Headers, now = Date.now(), random = Math.random): number {
  const retryAfter = headers?.get('retry-after');
  if (retryAfter) {
    const seconds = Number(retryAfter);
    const ms = retryAfter.trim() !== '' && Number.isFinite(seconds) ? seconds * 1000 : Date.parse(retryAfter) - now;
    if (Number.isFinite(ms) && ms >= 0 && ms <= MAX_RETRY_AFTER_MS) return Math.ceil(ms);
  }
  return Math.floor(random() * Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (retry - 1)));
}

/** Waits `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
