// verifyWebhook(): what a production receiver of Ada's end-user webhooks needs. The signature and the
// timestamp are checked by the maintained `standardwebhooks` library (Svix's scheme: Ada's webhooks are
// delivered by Svix), over the raw body, before anything is parsed; then the payload is held to the
// spec's webhook schema. Each way to fail has its own error; none of them carries the secret.
import { Webhook, WebhookVerificationError as LibraryVerificationError } from 'standardwebhooks';
import type { components, webhooks as WebhookTypes } from '../../generated/schema.js';
import { AdaError } from './errors.js';
import { webhooks } from '../contract/operations.js';
import { validateWebhookPayload, type ValidationIssue } from '../contract/validation.js';

/** The payload of `v1.end_user.created`. */
export type EndUserCreatedEvent = components['schemas']['EndUserCreatedEvent'];
/** The payload of `v1.end_user.updated`. */
export type EndUserUpdatedEvent = components['schemas']['EndUserUpdatedEvent'];
/** An end-user webhook, discriminated by `type`. */
export type EndUserWebhookEvent = EndUserCreatedEvent | EndUserUpdatedEvent;
/** The event types the spec describes (its webhooks' names). */
export type EndUserEventType = keyof WebhookTypes;

/** The event types the spec describes, as prose: `v1.end_user.created and v1.end_user.updated`. */
export const describedEventTypes = (): string => Object.keys(webhooks).join(' and ');

/** Root of the errors of verifyWebhook: the message must not be trusted; answer it with a 4xx. */
export class WebhookVerificationError extends AdaError {
  override name = 'WebhookVerificationError';
}

/** The `svix-*` headers are missing, or no signature in `svix-signature` matches the body with this secret. */
export class WebhookSignatureError extends WebhookVerificationError {
  override name = 'WebhookSignatureError';
}

/** The signed timestamp (`svix-timestamp`) is more than 5 minutes from this machine's clock: a replay, or a wrong clock. */
export class WebhookTimestampError extends WebhookVerificationError {
  override name = 'WebhookTimestampError';
}

/** The message is authentic, but its payload is not JSON, or not an event the contract describes. */
export class WebhookPayloadError extends WebhookVerificationError {
  override name = 'WebhookPayloadError';
  /** What is wrong with the payload, with JSON-pointer paths. */
  readonly issues: ValidationIssue[];
  constructor(message: string, issues: ValidationIssue[]) {
    super(message);
    this.issues = issues;
  }
}

/**
 * A request's headers as servers hand them over: a fetch `Headers` (Workers, Deno, Bun, Next.js), a
 * plain object (Express, Fastify), Node's `req.headers` (`IncomingHttpHeaders`, repeated ones as
 * arrays), or a `Map`. Names in any case.
 */
export type HeaderBag =
  | Headers
  | ReadonlyMap<string, string | readonly string[] | undefined>
  | Readonly<Record<string, string | readonly string[] | undefined>>;

/** The value of a header from any HeaderBag (repeated values joined by a space, as signatures are listed). */
export function headerValue(headers: HeaderBag, name: string): string | undefined {
  const wanted = name.toLowerCase();
  if (headers instanceof Headers) return headers.get(wanted) ?? undefined;
  const entries = headers instanceof Map ? headers.entries() : Object.entries(headers);
  for (const [key, value] of entries as Iterable<[unknown, unknown]>) {
    if (typeof key !== 'string' || key.toLowerCase() !== wanted || value === undefined || value === null) continue;
    return Array.isArray(value) ? value.map(String).join(' ') : String(value);
  }
  return undefined;
}

/** Bytes to text as every runtime has it (no Buffer: Deno, workerd and browsers lack it); bad bytes become U+FFFD, as Buffer's would. */
const utf8 = new TextDecoder();

/** Whether `headers` is a HeaderBag at all: anything else is the caller's mistake, told as such. */
function isHeaderBag(headers: unknown): headers is HeaderBag {
  return typeof headers === 'object' && headers !== null && !Array.isArray(headers);
}

/**
 * Verifies a webhook from Ada and returns its event. `rawBody` is the body exactly as received (verify
 * before any JSON parsing: a re-serialized body no longer matches its signature); `headers` the request's
 * headers, in any form a server hands them over (HeaderBag: `svix-id`, `svix-timestamp`,
 * `svix-signature`; the Standard Webhooks `webhook-*` names are read too); `secret` the endpoint's
 * signing secret (`whsec_…`). Throws WebhookSignatureError, WebhookTimestampError or WebhookPayloadError
 * (all WebhookVerificationErrors); a TypeError for arguments of the wrong kind.
 */
export function verifyWebhook(rawBody: string | Uint8Array, headers: HeaderBag, secret: string): EndUserWebhookEvent {
  let verifier: Webhook;
  try {
    verifier = new Webhook(secret);
  } catch {
    // Never echo the value: it is a credential.
    throw new TypeError('verifyWebhook: secret must be a signing secret such as whsec_ followed by base64');
  }
  if (typeof rawBody !== 'string' && !(rawBody instanceof Uint8Array)) {
    throw new TypeError('verifyWebhook: rawBody must be the body as received, a string or bytes (not parsed JSON)');
  }
  if (!isHeaderBag(headers)) {
    throw new TypeError(
      "verifyWebhook: headers must be the request's headers: a Headers, a Map, or an object of names and values (Node's req.headers)",
    );
  }
  const body = typeof rawBody === 'string' ? rawBody : utf8.decode(rawBody);
  const names = ['id', 'timestamp', 'signature'] as const;
  const signed = Object.fromEntries(
    names.map((name) => [`webhook-${name}`, headerValue(headers, `svix-${name}`) ?? headerValue(headers, `webhook-${name}`) ?? '']),
  );
  try {
    verifier.verify(body, signed, { jsonParse: false });
  } catch (error) {
    if (!(error instanceof LibraryVerificationError)) throw error;
    if (/timestamp too (old|new)/i.test(error.message)) {
      throw new WebhookTimestampError(
        `the webhook's timestamp is more than 5 minutes from this machine's clock (${error.message.toLowerCase()})`,
      );
    }
    const missing = names.filter((name) => signed[`webhook-${name}`] === '');
    throw new WebhookSignatureError(
      missing.length > 0
        ? `the webhook lacks the header${missing.length === 1 ? '' : 's'} ${missing.map((name) => `svix-${name}`).join(', ')}`
        : 'no signature of the webhook matches its body with this secret',
    );
  }
  let payload: unknown;
  try {
    payload = JSON.parse(body);
  } catch {
    throw new WebhookPayloadError('the webhook is signed, but its body is not JSON', [
      { path: '', keyword: 'json', message: 'must be JSON' },
    ]);
  }
  const type = (payload as { type?: unknown } | null)?.type;
  if (typeof type !== 'string' || !Object.hasOwn(webhooks, type)) {
    const known = Object.keys(webhooks).join(', ');
    throw new WebhookPayloadError(`the webhook is signed, but its type is not one the contract describes (${known})`, [
      { path: '/type', keyword: 'enum', message: `must be one of ${known}` },
    ]);
  }
  const verdict = validateWebhookPayload(type, payload);
  if (!verdict.ok) throw new WebhookPayloadError(`the ${type} webhook is signed, but its payload breaks the contract`, verdict.errors);
  return payload as EndUserWebhookEvent;
}
