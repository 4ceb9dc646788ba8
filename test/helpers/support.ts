// Test helpers. Fixtures come from the spec's own named examples, never from hand-made copies.
import { Webhook } from 'standardwebhooks';
import { inject } from 'vitest';
import { createAdaClient, type AdaClientOptions } from '../../src/client/client.js';
import type { Json } from '../../src/contract/json-pointer.js';
import { prismLocationPointer, prismViolations } from '../../src/verify/sl-violations.js';
import { openapiDocument } from '../../src/contract/spec.js';

type Examples = typeof openapiDocument.components.examples;

export function specExample<K extends keyof Examples>(name: K): Examples[K]['value'] {
  return structuredClone(openapiDocument.components.examples[name].value);
}

/** The seed page's request, as a mutable plain object. */
export function seedRequest(): Record<string, Json> {
  return specExample('UpdateEndUserSeedRequest');
}

/** The seed page's response, as a mutable plain object. */
export function seedResponse(): Record<string, Json> {
  return specExample('EndUserSeedResponse');
}

export const TEST_TOKEN = 'tok_live_Zm9vYmFyYmF6cXV4';

/**
 * Time limit of a test that waits on child processes (a CLI under tsx, npm, a cold Prism start): a few
 * seconds alone, but ten times that on a busy 2-core machine running two suites. A hang still fails.
 * In-process tests keep the default (vitest.config.ts).
 */
export const CHILD_PROCESS_TIMEOUT = 180_000;
/**
 * The property tests' depth: how many cases (requests, bodies) each generative test draws. `npm test`
 * draws 250 so that a change is tried in seconds; .ci/run sets FC_NUM_RUNS=1000. FC_SEED replays a run
 * (each generative file prints the seed it used).
 */
export const FC_NUM_RUNS = Number(process.env.FC_NUM_RUNS ?? 250);
export const FC_SEED = Number(process.env.FC_SEED ?? Math.floor(Math.random() * 2 ** 31));

export const END_USER_ID = '5f7e0e2c1e7c7e000f0f9c3a';

export function mockUrl(): string {
  return inject('mockUrl');
}

/** The real client pointed at the shared Prism mock. */
export function mockClient(options: Omit<AdaClientOptions, 'baseUrl' | 'instance' | 'token'> = {}) {
  return createAdaClient({ baseUrl: mockUrl(), token: TEST_TOKEN, ...options });
}

export { prismViolations } from '../../src/verify/sl-violations.js';

/**
 * JSON pointers of the body locations Prism names in `sl-violations`. Prism keeps RFC 6901 escapes in
 * its location segments (`~1` for `/`), so they join into pointers as they are. A JSON `null` body
 * Prism reports as a missing body, at `request`, which is the body's own location here.
 */
export function prismBodyLocations(headers: Headers): string[] {
  return prismViolations(headers)
    .filter((v) => v.location[0] === 'request' && (v.location[1] === 'body' || v.location.length === 1))
    .map((v) => prismLocationPointer(v.location.slice(2)));
}

/** Whether Prism pointed at `path` itself or at an object holding it (for unknown keys, key names, required). */
export function prismPointsAt(headers: Headers, path: string): boolean {
  return prismBodyLocations(headers).some((at) => path === at || path.startsWith(`${at}/`));
}

/** The svix-* headers of a message as Ada's webhooks carry them: `body` signed with `secret` (Svix's scheme) at `at`. */
export function svixHeaders(secret: string, id: string, body: string, at = new Date()): Record<string, string> {
  return {
    'svix-id': id,
    'svix-timestamp': String(Math.floor(at.getTime() / 1000)),
    'svix-signature': new Webhook(secret).sign(id, at, body),
  };
}
