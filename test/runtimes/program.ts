// The program every runtime runs (test/runtimes/runtimes.test.ts): the root entry as a production app
// uses it, each step's outcome reported as plain JSON, so that the harness can hold every runtime's report
// to Node's. It imports nothing: each runtime's wrapper passes it the kit as that runtime loaded it.
import type * as Kit from '../../src/index.js';

export interface RuntimeConfig {
  /** The loopback server playing Ada (test/runtimes/runtimes.test.ts). */
  baseUrl: string;
  token: string;
  webhook: { body: string; headers: Record<string, string>; secret: string; otherSecret: string };
}

/** An error as the report names it: its class, and what a caller reads of it. */
function described(error: unknown): Record<string, unknown> {
  const { name, message, status, maxResponseBytes } = error as Record<string, unknown>;
  return { name, message, ...(status === undefined ? {} : { status }), ...(maxResponseBytes === undefined ? {} : { maxResponseBytes }) };
}

async function outcome(step: () => Promise<unknown> | unknown): Promise<Record<string, unknown>> {
  try {
    return { value: await step() };
  } catch (error) {
    return { error: described(error) };
  }
}

export async function run(kit: typeof Kit, config: RuntimeConfig): Promise<Record<string, unknown>> {
  const ada = kit.createAdaClient({ baseUrl: config.baseUrl, token: config.token, maxRetries: 0 });
  const small = kit.createAdaClient({ baseUrl: config.baseUrl, token: config.token, maxRetries: 0, maxResponseBytes: 100_000 });
  const stranger = kit.createAdaClient({ baseUrl: config.baseUrl, token: 'tok_not_a_key_of_this_instance', maxRetries: 0 });
  const { body, headers, secret, otherSecret } = config.webhook;
  return {
    operations: Object.keys(kit.operationTable),
    validRequest: kit.validateUpdateEndUserRequest({ profile: { first_name: 'Ada', metadata: { plan: 'pro' } } }),
    invalidRequest: kit.validateRequest('listEndUsers', { query: kit.parseQuery('listEndUsers', { limit: '101', colour: 'red' }) }),
    oversizedMetadata: kit.validateUpdateEndUserRequest({ profile: { metadata: { notes: 'x'.repeat(11_000) } } }),
    webhook: await outcome(() => {
      const event = kit.verifyWebhook(body, headers, secret);
      return { type: event.type, endUserId: event.data.end_user_id };
    }),
    webhookBytes: await outcome(() => kit.verifyWebhook(new TextEncoder().encode(body), headers, secret).type),
    webhookOtherSecret: await outcome(() => kit.verifyWebhook(body, headers, otherSecret)),
    webhookTampered: await outcome(() => kit.verifyWebhook(body.replace('}', ', "x": 1}'), headers, secret)),
    call: await outcome(async () => (await ada.getEndUser('known')).end_user_id),
    redirect: await outcome(() => ada.getEndUser('moved')),
    oversized: await outcome(() => small.getEndUser('large')),
    badToken: await outcome(() => stranger.getEndUser('known')),
    malformedToken: await outcome(() => kit.createAdaClient({ baseUrl: config.baseUrl, token: 'tok\nX-Injected: 1' })),
    badPathParameter: await outcome(() => ada.getEndUser('..')),
  };
}
