// The stateful fake's webhooks: each event signed as Ada's are (Svix's scheme, the Standard Webhooks
// scheme: `svix-id`, `svix-timestamp`, `svix-signature` over `id.timestamp.body`, with the
// `standardwebhooks` library), sent after the API has answered (a delivery never delays an answer), and
// tried again with a short, bounded backoff when the receiver fails. Every delivery, and every failure,
// is kept for the caller to see.
import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import type { components } from '../../generated/schema.js';
import { checkMilliseconds } from '../client/options.js';
import { formatValidationIssues, validateWebhookPayload } from '../contract/validation.js';
import type { EndUserEventType } from '../client/webhooks.js';

type EndUser = components['schemas']['EndUser'];

export interface WebhookTarget {
  /** Where to POST each event (your receiver). A redirect it answers is a failed attempt, never followed. */
  url: string | URL;
  /** The endpoint's signing secret, `whsec_` and base64, as Ada shows it. */
  secret: string;
  /** Waits before each retry of a failed delivery (default 100, 500 and 2 000 ms: short, for tests). */
  retryDelaysMs?: readonly number[];
  /** Time limit of each attempt (default 5 000 ms; Ada allows a receiver 15 s). */
  timeoutMs?: number;
  /**
   * How many deliveries the handle keeps (default 1 000): past that, the oldest settled ones are
   * dropped, so that a fake left running for days does not grow without bound.
   */
  keepDeliveries?: number;
}

export interface Delivery {
  /** The message id (`svix-id`): the same for every attempt of one event. */
  id: string;
  event: EndUserEventType;
  endUserId: string;
  /** Attempts made so far. */
  attempts: number;
  /** `pending`, `delivered` (a 2xx), or `failed` (every attempt failed). */
  state: 'pending' | 'delivered' | 'failed';
  /** Why the last attempt failed, where it did: a status or a network error. */
  lastError?: string;
}

export class WebhookSender {
  readonly deliveries: Delivery[] = [];
  private readonly signer: Webhook;
  private readonly retryDelaysMs: readonly number[];
  private readonly timeoutMs: number;
  private readonly keepDeliveries: number;
  /** The receiver as log lines show it: no user info, query or fragment (they may carry credentials). */
  private readonly shownUrl: string;
  private readonly url: string;
  private readonly authorization: string | undefined;
  private readonly running = new Set<Promise<void>>();
  private generation = 0;

  constructor(
    target: WebhookTarget,
    private readonly log: (line: string) => void,
  ) {
    const given = target.url instanceof URL ? target.url.href : target.url;
    const url = typeof given === 'string' && URL.canParse(given) ? new URL(given) : undefined;
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:'))
      throw new TypeError('webhooks.url must be an absolute http(s) URL');
    this.shownUrl = `${url.origin}${url.pathname}`;
    // fetch refuses a URL with user info: it goes as Basic authorization instead, as a browser would send it.
    if (url.username || url.password) {
      const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
      this.authorization = `Basic ${Buffer.from(credentials).toString('base64')}`;
      url.username = url.password = '';
    }
    this.url = url.href;
    try {
      this.signer = new Webhook(target.secret);
    } catch {
      // Never echo the value: it is a credential.
      throw new TypeError('webhooks.secret must be a signing secret such as whsec_ followed by base64');
    }
    this.retryDelaysMs = target.retryDelaysMs ?? [100, 500, 2_000];
    this.timeoutMs = target.timeoutMs ?? 5_000;
    this.keepDeliveries = target.keepDeliveries ?? 1_000;
    // A delay no timer can hold (2^31 ms or more) would fire at once: every attempt would fail at once.
    checkMilliseconds('webhooks.timeoutMs', this.timeoutMs, 1);
    if (!Number.isSafeInteger(this.keepDeliveries) || this.keepDeliveries < 1)
      throw new TypeError('webhooks.keepDeliveries must be a positive integer');
    if (!Array.isArray(this.retryDelaysMs)) throw new TypeError('webhooks.retryDelaysMs must be an array of delays (milliseconds)');
    for (const [index, delay] of this.retryDelaysMs.entries()) checkMilliseconds(`webhooks.retryDelaysMs[${index}]`, delay, 0);
  }

  /** Deliveries that failed on every attempt. */
  get failures(): Delivery[] {
    return this.deliveries.filter((delivery) => delivery.state === 'failed');
  }

  /** Queues one event; returns at once (the API answer does not wait for it). */
  send(event: EndUserEventType, endUser: EndUser): void {
    const payload = { type: event, timestamp: new Date().toISOString(), data: endUser, tags: [endUser.end_user_id] };
    const delivery: Delivery = {
      id: `msg_${randomBytes(12).toString('hex')}`,
      event,
      endUserId: endUser.end_user_id,
      attempts: 0,
      state: 'pending',
    };
    this.deliveries.push(delivery);
    this.forgetOldest();
    const verdict = validateWebhookPayload(event, payload);
    if (!verdict.ok) {
      // The fake sends only what the contract allows: a payload that breaks it is never sent, and is shown.
      delivery.state = 'failed';
      delivery.lastError = `the payload breaks the contract: ${formatValidationIssues(verdict.errors)}`;
      this.log(`[error] webhooks: ${event} ${delivery.id} not sent: ${delivery.lastError}\n`);
      return;
    }
    const generation = this.generation;
    const running: Promise<void> = this.deliver(delivery, JSON.stringify(payload), generation).finally(() => this.running.delete(running));
    this.running.add(running);
  }

  /** Resolves once every delivery queued so far has been delivered or has failed. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }

  /** Forgets the deliveries kept so far; those still being retried stop. */
  reset(): void {
    this.generation++;
    this.deliveries.length = 0;
  }

  /** Drops the oldest settled deliveries past `keepDeliveries`; pending ones stay until they settle. */
  private forgetOldest(): void {
    let excess = this.deliveries.length - this.keepDeliveries;
    for (let index = 0; excess > 0 && index < this.deliveries.length; ) {
      if (this.deliveries[index]!.state === 'pending') index++;
      else {
        this.deliveries.splice(index, 1);
        excess--;
      }
    }
  }

  private async deliver(delivery: Delivery, body: string, generation: number): Promise<void> {
    for (let attempt = 0; attempt <= this.retryDelaysMs.length; attempt++) {
      if (generation !== this.generation) return;
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, this.retryDelaysMs[attempt - 1]));
      delivery.attempts++;
      const timestamp = new Date();
      try {
        const response = await fetch(this.url, {
          method: 'POST',
          headers: {
            ...(this.authorization ? { authorization: this.authorization } : {}),
            'content-type': 'application/json',
            'svix-id': delivery.id,
            'svix-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
            'svix-signature': this.signer.sign(delivery.id, timestamp, body),
          },
          body,
          signal: AbortSignal.timeout(this.timeoutMs),
          // A 3xx is the receiver's answer, not a new address: following one would re-post the signed
          // body elsewhere (307/308), or send a body-less GET and count it delivered (302).
          redirect: 'manual',
        });
        await drain(response);
        if (response.ok) {
          delivery.state = 'delivered';
          delete delivery.lastError;
          return;
        }
        const redirect = response.status >= 300 && response.status < 400 ? ' (a redirect: not followed)' : '';
        delivery.lastError = `the receiver answered ${response.status}${redirect}`;
      } catch (error) {
        const cause = (error as { cause?: { code?: string; message?: string } }).cause;
        delivery.lastError = cause?.code ?? cause?.message ?? (error as Error).message;
      }
    }
    if (generation !== this.generation) return;
    delivery.state = 'failed';
    this.log(
      `[warn] webhooks: ${delivery.event} ${delivery.id} to ${this.shownUrl} failed after ${delivery.attempts} attempts: ${delivery.lastError}\n`,
    );
  }
}

/** Of a receiver's answer only the status counts: read a few KB of its body at most, then let it go. */
const MAX_ANSWER_BYTES = 4096;

async function drain(response: Response): Promise<void> {
  const reader = response.body?.getReader();
  if (!reader) return;
  try {
    for (let bytes = 0; bytes <= MAX_ANSWER_BYTES; ) {
      const { done, value } = await reader.read();
      if (done) return;
      bytes += value.byteLength;
    }
  } catch {
    // A body that breaks off changes nothing: the status has arrived.
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}
