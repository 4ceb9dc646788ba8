// The stateful fake of the End Users resource: an in-memory store (store.ts) behind Prism's validation
// proxy (`prism proxy --errors` in the kit's Prism host), so that every request is validated as the plain
// mock validates it and every answer of the store is checked against the contract on its way out; and,
// when asked, Ada's two webhooks, signed, sent to a receiver (webhook-sender.ts).
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { startPrism, type RunningPrism } from '../prism/prism.js';
import { bundledSpecPath } from '../contract/spec-file.js';
import { FAKE_KEY_HEADER, startFakeServer } from './server.js';
import { EndUserStore, type SeedEndUser, type StoreOptions } from './store.js';
import { WebhookSender, type Delivery, type WebhookTarget } from './webhook-sender.js';

export interface StartFakeOptions extends StoreOptions {
  /** End users to start with (and to go back to on `reset()`); the fake starts empty otherwise. */
  seed?: readonly SeedEndUser[];
  /** Send `v1.end_user.created` and `v1.end_user.updated` here, signed with this secret. */
  webhooks?: WebhookTarget;
  port?: number;
  /** Address the fake's Prism listens on (default 127.0.0.1); its store behind it stays on loopback. */
  host?: string;
  readyTimeoutMs?: number;
  onOutput?: (text: string) => void;
}

export interface RunningFake extends RunningPrism {
  /** Forgets everything since the start: the store holds the seed again (or `seed`), and the deliveries kept are dropped. */
  reset(seed?: readonly SeedEndUser[]): void;
  /** How many end users the store holds. */
  readonly size: number;
  /** The sensitive keys stored for an end user, never their values (the API never returns them). */
  sensitiveKeys(endUserId: string): string[];
  /** Every webhook delivery so far (empty without `webhooks`), and those that failed on every attempt. */
  readonly webhookDeliveries: readonly Delivery[];
  readonly webhookFailures: readonly Delivery[];
  /** Resolves once every webhook queued so far has been delivered or has failed. */
  webhooksSettled(): Promise<void>;
}

export async function startFake(options: StartFakeOptions = {}): Promise<RunningFake> {
  const seed = options.seed ?? [];
  const store = new EndUserStore(options, seed);
  const log = options.onOutput ?? (() => {});
  const webhooks = options.webhooks ? new WebhookSender(options.webhooks, log) : undefined;
  let publicUrl = '';
  // A key per start: the store's port is on loopback, and only its validating front may use it.
  const key = randomBytes(32).toString('base64url');
  const server = await startFakeServer(store, webhooks, () => publicUrl, {
    key,
    onError: (error) => log(`[error] fake: a request failed: ${(error as Error)?.stack ?? String(error)}\n`),
  });
  let proxy: RunningPrism;
  try {
    proxy = await startPrism({
      spec: fileURLToPath(bundledSpecPath),
      errors: true,
      upstream: server.url,
      forwardHeaders: { [FAKE_KEY_HEADER]: key },
      answers: 'contract', // refusals in the contract's shape, as the plain mock answers them
      caller: 'startMock',
      ...(options.port === undefined ? {} : { port: options.port }),
      ...(options.host === undefined ? {} : { host: options.host }),
      ...(options.readyTimeoutMs === undefined ? {} : { readyTimeoutMs: options.readyTimeoutMs }),
      ...(options.onOutput ? { onOutput: options.onOutput } : {}),
    });
  } catch (error) {
    await server.close(); // a start that fails releases everything it took
    throw error;
  }
  publicUrl = proxy.url;
  let stopped: Promise<void> | undefined;
  return {
    url: proxy.url,
    port: proxy.port,
    ended: proxy.ended,
    stop: () => {
      stopped ??= (async () => {
        webhooks?.reset();
        await proxy.stop();
        await server.close();
      })();
      return stopped;
    },
    reset: (next = seed) => {
      store.reset(next);
      webhooks?.reset();
    },
    get size() {
      return store.size;
    },
    sensitiveKeys: (id) => store.sensitiveKeys(id),
    get webhookDeliveries() {
      return webhooks?.deliveries ?? [];
    },
    get webhookFailures() {
      return webhooks?.failures ?? [];
    },
    webhooksSettled: () => webhooks?.idle() ?? Promise.resolve(),
  };
}
