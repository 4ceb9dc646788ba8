// What createAdaClient and each call accept, checked once, with errors that name the option and the
// rule (a TypeError: a programming mistake, found before anything is sent).
import { openapiDocument } from '../contract/spec.js';

// One or two DNS labels: `acme`, `acme.eu`.
const INSTANCE_PATTERN = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)?$/i;
// What an Authorization header can carry: visible ASCII (RFC 6750's b64token is a subset of it).
const TOKEN_PATTERN = /^[\x21-\x7e]+$/;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
/** The longest delay a Node timer can hold; a longer one fires at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** A delay of at least `least` ms that a timer can hold; else a TypeError naming it (`label`). */
export function checkMilliseconds(label: string, value: unknown, least: number): number {
  if (typeof value !== 'number' || !(value >= least) || value > MAX_TIMER_MS) {
    throw new TypeError(`${label} must be a number of milliseconds from ${least} to ${MAX_TIMER_MS} (what a timer can hold)`);
  }
  return value;
}

export function checkToken(token: unknown): string {
  if (typeof token !== 'string' || !TOKEN_PATTERN.test(token)) {
    // Never echo the value: it is a credential.
    throw new TypeError('createAdaClient: token must be a non-empty string without whitespace, of visible ASCII characters');
  }
  return token;
}

export function checkMaxRetries(where: string, value: unknown): number {
  if (!Number.isInteger(value) || (value as number) < 0) throw new TypeError(`${where}: maxRetries must be an integer >= 0`);
  return value as number;
}

export function checkTimeout(where: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > MAX_TIMER_MS) {
    throw new TypeError(`${where}: timeoutMs must be a positive number of milliseconds, at most ${MAX_TIMER_MS} (what a timer can hold)`);
  }
  return value;
}

/** `backoff`: the first retry's longest wait and the cap on every wait, each a delay a timer can hold. */
export function checkBackoff(value: unknown): { initialDelayMs?: number; maxDelayMs?: number } {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null)
    throw new TypeError('createAdaClient: backoff must be an object { initialDelayMs?, maxDelayMs? }');
  for (const [name, delay] of Object.entries(value)) {
    if (name !== 'initialDelayMs' && name !== 'maxDelayMs')
      throw new TypeError(`createAdaClient: backoff.${name} is not an option; use initialDelayMs or maxDelayMs`);
    checkMilliseconds(`createAdaClient: backoff.${name}`, delay, 0);
  }
  return value as { initialDelayMs?: number; maxDelayMs?: number };
}

export function checkMaxResponseBytes(value: unknown): number {
  if (!Number.isSafeInteger(value) || (value as number) < 1) {
    throw new TypeError('createAdaClient: maxResponseBytes must be a positive integer number of bytes');
  }
  return value as number;
}

/** Options that must be of one kind when present (a string where a function belongs fails much later otherwise). */
export function checkKinds(where: string, options: Record<string, unknown>, kinds: Record<string, 'function' | 'boolean'>): void {
  for (const [name, kind] of Object.entries(kinds)) {
    if (options[name] !== undefined && typeof options[name] !== kind) throw new TypeError(`${where}: ${name} must be a ${kind}`);
  }
}

export function checkHeaders(where: string, headers: unknown): void {
  if (headers === undefined) return;
  if (typeof headers !== 'object' || headers === null)
    throw new TypeError(`${where}: headers must be an object of header names and values`);
  for (const [name, value] of Object.entries(headers)) {
    if (!HEADER_NAME.test(name)) throw new TypeError(`${where}: headers: ${JSON.stringify(name)} is not a valid header name`);
    if (typeof value !== 'string' || !HEADER_VALUE.test(value)) {
      throw new TypeError(`${where}: headers["${name}"] must be a string of one line (no control characters, Latin-1 only)`);
    }
  }
}

/** The base URL: the spec's server template for an instance, or a given http(s) URL without trailing slashes. */
export function resolveBaseUrl(options: { instance?: unknown; baseUrl?: unknown }): string {
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
