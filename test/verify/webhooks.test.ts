// verifyProvider({ webhooks }): a provider (the kit's fake, which signs its webhooks as Ada's are
// signed) delivers to a relay on 127.0.0.1 that passes each delivery on to verify's receiver, or
// tampers with it as a drifting provider would. verify judges every delivery as a receiver does and
// expects the webhooks its writes made due; nothing arriving at all is no verdict.
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { startProxies, type VerifyOptions, verifyProvider } from '../../src/verify/index.js';
import type { ServerResponse } from 'node:http';
import { json, type RecordedRequest, startServer } from '../helpers/http-server.js';
import { GIVEN_END_USER_ID, providerFactory, VERIFY_TOKEN } from '../helpers/providers.js';
import { CHILD_PROCESS_TIMEOUT, svixHeaders } from '../helpers/support.js';

const SECRET = `whsec_${randomBytes(24).toString('base64')}`;
/** How long a run waits for webhooks that will never come (a test of their absence must end sometime). */
const NONE_WAIT_MS = 1_000;
const provider = providerFactory();

type Tamper =
  | 'none'
  | 'bad-signature' // the body changed after signing
  | 'payload-drift' // data.end_user_id a number, signed anew with the right secret
  | 'stale-timestamp' // signed anew with a timestamp 10 minutes old
  | 'drop-created' // created events never delivered
  | 'drop-all' // nothing delivered
  | 'other-event'; // each delivery followed by a signed one of an event type the contract does not describe

describe('verifyProvider with webhooks', () => {
  let tamper: Tamper = 'none';
  let receiver = ''; // verify's receiver, learnt through onListening

  const shared = (async () => {
    // The receiver may be gone (closed at the end of a run) while the fake still retries: the relay
    // then answers 502 as a gateway would, and nothing is left unhandled.
    const relay = await startServer((request, response) => {
      relayed(request, response).catch(() => {
        if (!response.headersSent) response.writeHead(502);
        response.end();
      });
    });
    const relayed = async (request: RecordedRequest, response: ServerResponse) => {
      const type = (JSON.parse(request.body) as { type: string }).type;
      if (tamper === 'drop-all' || (tamper === 'drop-created' && type === 'v1.end_user.created')) return json(response, 204, {});
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        'svix-id': String(request.headers['svix-id']),
        'svix-timestamp': String(request.headers['svix-timestamp']),
        'svix-signature': String(request.headers['svix-signature']),
      };
      let body = request.body;
      if (tamper === 'bad-signature') body = `${body} `;
      if (tamper === 'payload-drift' || tamper === 'stale-timestamp') {
        const payload = JSON.parse(body) as { data: { end_user_id: unknown } };
        if (tamper === 'payload-drift') payload.data.end_user_id = 42;
        body = JSON.stringify(payload);
        const at = new Date(Date.now() - (tamper === 'stale-timestamp' ? 10 * 60_000 : 0));
        Object.assign(headers, svixHeaders(SECRET, headers['svix-id']!, body, at));
      }
      // Before the delivery it accompanies: once verify has that one, it has this one too.
      if (tamper === 'other-event') {
        const other = JSON.stringify({ type: 'v1.conversation.created', timestamp: new Date().toISOString(), data: {} });
        const extra = await fetch(receiver, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...svixHeaders(SECRET, `msg_other_${headers['svix-id']}`, other) },
          body: other,
        });
        await extra.arrayBuffer();
      }
      const forwarded = await fetch(receiver, { method: 'POST', headers, body });
      await forwarded.arrayBuffer();
      response.writeHead(forwarded.status).end();
    };
    const server = await provider('none', { url: relay.url, secret: SECRET, retryDelaysMs: [50, 50] });
    return { relay, server, proxies: await startProxies(server.url) };
  })();
  afterAll(async () => {
    const { relay, proxies } = await shared;
    await Promise.all([relay.close(), proxies.passthrough.stop()]);
  });

  async function verifyAs(kind: Tamper, extra: Partial<VerifyOptions> = {}, webhooks: Partial<VerifyOptions['webhooks']> = {}) {
    const { server, relay, proxies } = await shared;
    tamper = kind;
    server.reset();
    const before = relay.requests.length;
    const report = await verifyProvider({
      baseUrl: server.url,
      token: VERIFY_TOKEN,
      endUserId: GIVEN_END_USER_ID,
      intervalMs: 0,
      seed: 5,
      proxies,
      maxRequests: 5, // the given end user, an unknown id, the profile change, the create and the same again
      create: true,
      ...extra,
      webhooks: {
        secret: SECRET,
        waitMs: 30_000, // returns as soon as the webhooks due arrive; the runs that expect none pass NONE_WAIT_MS
        onListening: (url) => {
          receiver = url;
        },
        ...webhooks,
      },
    });
    return { report, delivered: relay.requests.slice(before) };
  }

  it(
    'none: every delivery verifies and the webhooks due arrive: no violations, the receiver on loopback',
    async () => {
      const { report, delivered } = await verifyAs('none');
      expect(report).toMatchObject({ violations: [], unjudged: [] });
      expect(report.webhooks?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      expect(report.webhooks?.received).toBe(delivered.length);
      const types = delivered.map((d) => (JSON.parse(d.body) as { type: string }).type);
      expect(new Set(types)).toEqual(new Set(['v1.end_user.updated', 'v1.end_user.created']));
      expect(JSON.stringify(report)).not.toContain(SECRET);
    },
    CHILD_PROCESS_TIMEOUT,
  );

  it(
    'the default budget still checks every rule with webhooks and create (the profile change is one request more)',
    async () => {
      const { report } = await verifyAs('none', { maxRequests: undefined });
      expect(report).toMatchObject({ requests: 100, violations: [], unjudged: [] });
      expect(report.rulesChecked).toBe(report.rulesTotal);
    },
    CHILD_PROCESS_TIMEOUT,
  );

  it.each([
    ['bad-signature', { in: 'webhook', rule: 'signature', message: 'no signature of the webhook matches its body with this secret' }],
    ['payload-drift', { in: 'webhook', path: '/data/end_user_id', rule: 'type' }],
    ['stale-timestamp', { in: 'webhook', rule: 'timestamp' }],
    [
      'drop-created',
      {
        request: 'webhooks: v1.end_user.created after the create',
        in: 'behaviour',
        rule: 'webhook',
        message: expect.stringMatching(/^no v1\.end_user\.created naming end user \w+ arrived within 1000 ms/),
      },
    ],
  ] as const)(
    '%s is a violation, named',
    async (kind, expected) => {
      const { report } = await verifyAs(kind, {}, { waitMs: NONE_WAIT_MS });
      expect(report.violations).toContainEqual(expect.objectContaining(expected));
      expect(JSON.stringify(report)).not.toContain(SECRET);
    },
    CHILD_PROCESS_TIMEOUT,
  );

  it(
    'a signed delivery of an event type the contract does not describe is not judged (a new event type is safe), only counted',
    async () => {
      const { report, delivered } = await verifyAs('other-event');
      expect(report).toMatchObject({ violations: [], unjudged: [] });
      expect(report.webhooks).toMatchObject({ received: delivered.length, ignored: delivered.length });
    },
    CHILD_PROCESS_TIMEOUT,
  );

  it(
    'a message sent again (the provider retries a refused delivery) is judged once',
    async () => {
      const { report, delivered } = await verifyAs('bad-signature', {}, { waitMs: NONE_WAIT_MS });
      const judged = report.violations.filter((v) => v.rule === 'signature').map((v) => v.request.split(' ').at(-1));
      expect(new Set(judged).size).toBe(judged.length); // each message once
      expect(judged.length).toBeGreaterThan(0);
      const sent = delivered.map((d) => d.headers['svix-id']);
      expect(judged.every((id) => sent.includes(id))).toBe(true);
      expect(sent.length).toBeGreaterThan(new Set(sent).size); // though the provider sent them again (each refused with 401)
    },
    CHILD_PROCESS_TIMEOUT,
  );

  it(
    'nothing arriving is no verdict (the endpoint may not be registered): unjudged, not a pass',
    async () => {
      const { report } = await verifyAs('drop-all', {}, { waitMs: NONE_WAIT_MS });
      expect(report.violations).toEqual([]);
      expect(report.unjudged).toEqual([
        {
          request: 'webhooks',
          reason: expect.stringMatching(/^no webhook reached http:\/\/127\.0\.0\.1:\d+\/ within 1000 ms: register it/),
        },
      ]);
    },
    CHILD_PROCESS_TIMEOUT,
  );

  it(
    'without create, no created event is due',
    async () => {
      const { report } = await verifyAs('drop-created', { create: false, maxRequests: 3 });
      expect(report).toMatchObject({ violations: [], unjudged: [] });
    },
    CHILD_PROCESS_TIMEOUT,
  );

  it(
    'the receiver answers a GET (a tunnel’s health check) without judging it',
    async () => {
      let probe: Promise<number> | undefined;
      const { report } = await verifyAs(
        'none',
        {},
        {
          onListening: (url) => {
            receiver = url;
            probe = fetch(url).then(async (answer) => {
              await answer.arrayBuffer();
              return answer.status;
            });
          },
        },
      );
      expect(await probe).toBe(200);
      expect(report).toMatchObject({ violations: [], unjudged: [] });
    },
    CHILD_PROCESS_TIMEOUT,
  );
});

describe('webhook options are checked before anything starts', () => {
  const base = { baseUrl: 'http://127.0.0.1:9', token: VERIFY_TOKEN, endUserId: 'x' };
  it.each([
    [{ secret: 'not-a-secret-value' }, 'webhooks.secret must be a signing secret such as whsec_ followed by base64'],
    [{ secret: SECRET, port: 70_000 }, 'webhooks.port must be an integer from 0 to 65535'],
    [{ secret: SECRET, host: '' }, 'webhooks.host must be a host name or address to listen on'],
    [{ secret: SECRET, waitMs: -1 }, 'webhooks.waitMs must be a number of milliseconds from 0 to 2147483647'],
  ])('%o', async (webhooks, message) => {
    const error = await verifyProvider({ ...base, webhooks: webhooks as VerifyOptions['webhooks'] }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toContain(message);
    expect((error as Error).message).not.toContain('not-a-secret-value');
  });

  it('a port already taken is a setup error', async () => {
    const taken = await startServer((_request, response) => json(response, 200, {}));
    const port = Number(new URL(taken.url).port);
    await expect(verifyProvider({ ...base, webhooks: { secret: SECRET, port } })).rejects.toThrow(
      `could not listen for webhooks on 127.0.0.1:${port}: EADDRINUSE`,
    );
    await taken.close();
  });
});
