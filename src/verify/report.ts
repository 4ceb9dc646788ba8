// What verifyProvider takes and reports, and the checks it makes of its options before anything starts.
import { Webhook } from 'standardwebhooks';
import { createAdaClient } from '../client/client.js';
import { checkMilliseconds } from '../client/options.js';
import type { RunningPrism } from '../prism/prism.js';
import { operation } from '../contract/operations.js';
import { formatValidationIssues, validateParameter } from '../contract/validation.js';

export interface VerifyOptions {
  /** The provider's base URL, e.g. https://acme.ada.support/api */
  baseUrl: string;
  token: string;
  /** An end user the run reads and may modify: valid PATCHes change it. */
  endUserId: string;
  /**
   * Also verify the create (POST): a fresh external_id must be created (201), the same again upserted
   * (200, the same end user), invalid bodies refused. Creates real end users (Ada deletes those not
   * attached to a conversation within 24 hours). Default false.
   */
  create?: boolean;
  /** Upper bound on requests sent (default 100; retries of a 429 not counted). */
  maxRequests?: number;
  /** Pause between requests (default 250 ms: 4/s, under Ada's 30/s and 300/min End Users limits). */
  intervalMs?: number;
  /** Seed of the generated requests, to replay a run. */
  seed?: number;
  /** Called with each check's result as it is made (a request, a finding about answers together, a check that could not be judged). */
  onResult?: (result: RequestResult) => void;
  /** Base of the backoff before a retry (ms; default 1000). */
  backoffBaseMs?: number;
  /**
   * The run's time budget, from its first request (ms; default 300 000, 5 minutes; starting Prism has
   * its own 30 s limit). When it is spent, the run stops sending, and reports what it judged and what
   * it could not (`stopped`): a run always ends.
   */
  maxTimeMs?: number;
  /** How long to wait for each answer (ms; default 30 000). */
  requestTimeoutMs?: number;
  /**
   * A validation proxy already running in front of `baseUrl` (from startProxies), to verify several
   * times without starting Prism each time. Started and stopped here if absent. (`strict`, from 2.1 and
   * before, is no longer used: one pass-through proxy reports every violation with the real status.)
   */
  proxies?: { passthrough: RunningPrism; strict?: RunningPrism };
  /**
   * Also verify the provider's webhooks. verify listens on `host:port` for deliveries and judges each as
   * a receiver would (the Svix signature with `secret`, the timestamp, the payload against the
   * contract); it expects `v1.end_user.updated` naming the given end user after an update that changes
   * its profile, and with `create` `v1.end_user.created` naming the created one, within `waitMs` of the
   * last request. The provider must be able to deliver there: register the URL (or a tunnel to it) as a
   * webhook endpoint for both events, with this endpoint's signing secret.
   */
  webhooks?: VerifyWebhookOptions;
}

export interface VerifyWebhookOptions {
  /** The endpoint's signing secret, `whsec_` and base64, as Ada shows it. Never printed. */
  secret: string;
  /** Default 0: any free port (see onListening). */
  port?: number;
  /** Default 127.0.0.1: reachable from this machine only (a tunnel on it forwards to it). */
  host?: string;
  /** How long to wait for the expected webhooks after the last request (ms; default 30 000). */
  waitMs?: number;
  /** Called with the receiver's URL once it listens, before any request is sent. */
  onListening?: (url: string) => void;
}

export interface Violation {
  /** Which request, by operation: `updateEndUser: example "seed"`, `listEndUsers: page 2`, `getEndUser: an unknown id`. */
  request: string;
  /** The provider's status. */
  status?: number;
  /**
   * What broke: the response (its body or media type), its status, what the answers say together
   * (`behaviour`: a page over its limit, an upsert that made a second end user, a webhook that never
   * came, ...), or a webhook delivery (its signature, timestamp or payload).
   */
  in: 'response' | 'status' | 'behaviour' | 'webhook' | 'kit';
  /** JSON pointer in the response body (or the webhook's payload), `''` for the whole body. */
  path: string;
  /**
   * The rule, e.g. `required`, `type`, `not`, `media-type`, `json`, `http` (an answer no HTTP client can
   * take); `status` for a wrong status, `not_a_server_error` for a 5xx; `limit`, `same-origin`, `upsert`,
   * ... for behaviour.
   */
  rule: string;
  message: string;
}

/** One line for a violation, as the CLI prints it. */
export function formatViolation(v: Violation): string {
  return `✗ ${v.request}: ${describeViolation(v)}`;
}

/** What broke, where, and the status: a violation without its request. */
export function describeViolation(v: Violation): string {
  const where = v.in === 'response' || v.in === 'webhook' ? `${v.in} ${v.path || '(body)'} ${v.rule}` : v.in;
  return `${where}: ${v.message}${v.status === undefined ? '' : ` (status ${v.status})`}`;
}

export interface RequestResult {
  request: string;
  /** The provider's status; absent for a webhook's findings. */
  status?: number;
  violations: Violation[];
  /** Why the answer could not be judged, where it could not. */
  unjudged?: string;
  /** How long the answer took, for a request sent (ms). */
  durationMs?: number;
}

/** A request, or a check, that could not be judged (rate limited after every retry; a list too short to page). */
export interface Unjudged {
  request: string;
  reason: string;
}

export interface VerifyReport {
  /** Requests sent (each retry of a 429 not counted again). */
  requests: number;
  violations: Violation[];
  /**
   * What could not be judged. A run with any is incomplete: the CLI exits 2 for it (unless it found
   * violations), since a provider that rate-limits everything has proved nothing.
   */
  unjudged: Unjudged[];
  /** Every check's result in the order they were made (what onResult was given): the passed ones too. */
  results: RequestResult[];
  /** Rules of invalid requests sent, out of all the rules verify would check (invalid bodies and parameters). */
  rulesChecked: number;
  rulesTotal: number;
  /** The operations the run sent requests to. */
  operations: string[];
  /**
   * With `webhooks`: where verify listened, the deliveries of the contract's events that verified (each
   * message once), and the signed ones of event types the contract does not describe (not judged: a
   * new event type is a safe change).
   */
  webhooks?: { url: string; received: number; ignored: number };
  /**
   * Why the run stopped before it sent everything it would have: its time budget ran out, the provider
   * stopped answering, or it answered 5xx to several requests in a row. Absent for a run that ran to
   * its end. What was left is also in `unjudged`.
   */
  stopped?: string;
  seed: number;
}

/** A problem with the setup (token refused, unknown end user, provider unreachable), not with the contract. */
export class VerifySetupError extends Error {
  override name = 'VerifySetupError';
}

/**
 * Every check verifyProvider makes before it starts anything, with the defaults it applies; throws a
 * TypeError naming the option and the rule. (The CLI calls it before it probes the provider.)
 */
export function checkVerifyOptions(options: VerifyOptions): { maxRequests: number; intervalMs: number; seed: number; maxTimeMs: number } {
  const maxRequests = options.maxRequests ?? 100;
  const maxTimeMs = options.maxTimeMs ?? 300_000;
  const intervalMs = options.intervalMs ?? 250;
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  if (!Number.isInteger(maxRequests) || maxRequests < 1) throw new TypeError('maxRequests must be a positive integer');
  if (options.create !== undefined && typeof options.create !== 'boolean') throw new TypeError('create must be a boolean');
  for (const [name, value, least] of [
    ['intervalMs', intervalMs, 0],
    ['requestTimeoutMs', options.requestTimeoutMs ?? 1, 1],
    ['backoffBaseMs', options.backoffBaseMs ?? 0, 0],
    ['maxTimeMs', maxTimeMs, 1],
  ] as const) {
    checkMilliseconds(name, value, least);
  }
  if (options.webhooks !== undefined) checkWebhookOptions(options.webhooks);
  // A bad token, URL or end-user id fails here: an id such as "." would send every request, and the
  // token, to another path.
  createAdaClient({ baseUrl: options.baseUrl, token: options.token });
  const id = validateParameter(endUserIdParameter(), options.endUserId);
  if (!id.ok) throw new TypeError(`endUserId: ${formatValidationIssues(id.errors)}`);
  return { maxRequests, intervalMs, seed, maxTimeMs };
}

/** The spec's `end_user_id` path parameter, as getEndUser (and every operation on one end user) takes it. */
function endUserIdParameter(): string {
  const parameter = operation('getEndUser').parameters.find((p) => p.in === 'path' && p.name === 'end_user_id');
  if (!parameter) throw new Error('the spec’s getEndUser has no end_user_id path parameter');
  return parameter.pointer;
}

function checkWebhookOptions(webhooks: VerifyWebhookOptions): void {
  if (typeof webhooks !== 'object' || webhooks === null) throw new TypeError('webhooks must be an object with a secret');
  try {
    new Webhook(webhooks.secret);
  } catch {
    // Never echo the value: it is a credential.
    throw new TypeError('webhooks.secret must be a signing secret such as whsec_ followed by base64');
  }
  const port = webhooks.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new TypeError('webhooks.port must be an integer from 0 to 65535');
  if (webhooks.host !== undefined && (typeof webhooks.host !== 'string' || webhooks.host === ''))
    throw new TypeError('webhooks.host must be a host name or address to listen on');
  checkMilliseconds('webhooks.waitMs', webhooks.waitMs ?? 0, 0);
  if (webhooks.onListening !== undefined && typeof webhooks.onListening !== 'function')
    throw new TypeError('webhooks.onListening must be a function');
}
