// The stateful fake as a consumer drives it, through real HTTP with Prism in front: create, upsert,
// update, conflict, lookup, pages; sensitive_metadata kept and never returned; its options; seed and
// reset; webhooks received by a real HTTP server here and verified with verifyWebhook; and the same flow
// through createAdaClient. Every answer is checked against the contract here too (validateResponse).
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createAdaClient } from '../../src/client/client.js';
import { startMock, type RunningFake, type StartFakeOptions } from '../../src/mock/mock.js';
import { validateResponse } from '../../src/contract/validation.js';
import { verifyWebhook, type EndUserWebhookEvent } from '../../src/client/webhooks.js';
import { FAKE_KEY_HEADER, startFakeServer } from '../../src/fake/server.js';
import { EndUserStore } from '../../src/fake/store.js';
import { json, rawRequest, startServer, type TestServer } from '../helpers/http-server.js';
import { CHILD_PROCESS_TIMEOUT, TEST_TOKEN } from '../helpers/support.js';
import type { Json } from '../../src/contract/json-pointer.js';

const fakes: RunningFake[] = [];
afterAll(() => Promise.all(fakes.map((fake) => fake.stop())));

async function fake(options: StartFakeOptions = {}) {
  const started = await startMock({ stateful: true, ...options });
  fakes.push(started);
  return started;
}

/** One request through the fake, its answer checked against the operation's contract. */
async function call(base: RunningFake, operationId: string, method: string, path: string, body?: unknown) {
  const response = await fetch(`${base.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const answer = (await response.json()) as Json;
  expect([operationId, response.status, validateResponse(operationId, response.status, answer)]).toEqual([
    operationId,
    response.status,
    { ok: true },
  ]);
  return { status: response.status, body: answer };
}
const ADA_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00$/;

describe('the stateful fake, through HTTP', () => {
  it(
    'create -> upsert -> update -> conflict -> lookup -> 404 -> pages: every end user once, in order',
    async () => {
      const api = await fake();
      const create = (body: unknown) => call(api, 'createEndUser', 'POST', '/v2/end-users/', body);

      const ada = await create({
        external_id: 'CRM-1',
        profile: { first_name: 'Ada', metadata: { plan: 'pro' }, sensitive_metadata: { fields: { token: 's3' } } },
      });
      expect(ada.status).toBe(201);
      expect(ada.body).toMatchObject({ external_id: 'CRM-1', profile: { first_name: 'Ada', metadata: { plan: 'pro' } } });
      expect(ada.body.profile).not.toHaveProperty('sensitive_metadata');
      expect(ada.body.created_at).toMatch(ADA_TIMESTAMP);
      expect(api.sensitiveKeys(ada.body.end_user_id)).toEqual(['token']); // kept, never returned
      const id = ada.body.end_user_id as string;

      // The same external_id in another case: the existing end user, 200, its profile as stored.
      const again = await create({ external_id: 'crm-1', profile: { first_name: 'Someone else' } });
      expect(again).toMatchObject({ status: 200, body: { end_user_id: id, profile: { first_name: 'Ada' } } });

      // An update sets the fields it sends, keeps the others, merges metadata; updated_at moves.
      const updated = await call(api, 'updateEndUser', 'PATCH', `/v2/end-users/${id}`, {
        profile: { last_name: 'Lovelace', metadata: { seats: 3 } },
      });
      expect(updated.body.profile).toMatchObject({ first_name: 'Ada', last_name: 'Lovelace', metadata: { plan: 'pro', seats: 3 } });
      expect(updated.body.updated_at > ada.body.updated_at).toBe(true);

      // Another end user may not take the external_id: 409 with the errors body.
      const grace = await create({ profile: { first_name: 'Grace' } });
      const conflict = await call(api, 'updateEndUser', 'PATCH', `/v2/end-users/${grace.body.end_user_id}`, {
        external_id: 'Crm-1',
        profile: {},
      });
      expect(conflict).toMatchObject({ status: 409, body: { errors: [{ type: 'conflict' }] } });

      // Lookup by external_id, case-insensitive; 404 for none, and for an unknown id.
      expect((await call(api, 'listEndUsers', 'GET', '/v2/end-users/?external_id=crm-1')).body.end_user_id).toBe(id);
      expect((await call(api, 'listEndUsers', 'GET', '/v2/end-users/?external_id=nobody')).status).toBe(404);
      expect((await call(api, 'getEndUser', 'GET', '/v2/end-users/000000000000000000000000')).status).toBe(404);

      // external_id: null removes it; sensitive null removes a key.
      const cleared = await call(api, 'updateEndUser', 'PATCH', `/v2/end-users/${id}`, {
        external_id: null,
        profile: { sensitive_metadata: { fields: { token: null } } },
      });
      expect(cleared.body.external_id).toBe(null);
      expect(api.sensitiveKeys(id)).toEqual([]);
      expect((await call(api, 'listEndUsers', 'GET', '/v2/end-users/?external_id=crm-1')).status).toBe(404);

      // Pages of 2 over 5 end users: absolute next_page_url on the fake's own origin, null at the end.
      for (const name of ['C', 'D', 'E']) await create({ profile: { first_name: name } });
      const seen: string[] = [];
      let url: string | null = `${api.url}/v2/end-users/?limit=2`;
      while (url) {
        expect(new URL(url).origin).toBe(api.url);
        const page = await call(api, 'listEndUsers', 'GET', url.slice(api.url.length));
        expect(page.body.data.length).toBeLessThanOrEqual(2);
        seen.push(...page.body.data.map((user: { profile: { first_name: string } }) => user.profile.first_name));
        url = page.body.meta.next_page_url;
      }
      expect(seen).toEqual(['Ada', 'Grace', 'C', 'D', 'E']);
    },
    CHILD_PROCESS_TIMEOUT,
  );

  it('Prism is in front: a request that breaks the contract never reaches the store', async () => {
    const api = await fake();
    const refused = await call(api, 'createEndUser', 'POST', '/v2/end-users/', { profile: { metadata: { seats: 1.5 } } });
    expect(refused).toMatchObject({
      status: 400,
      body: { errors: [{ type: 'validation_error', details: [{ parameter: 'profile.metadata.seats' }] }] },
    });
    expect(api.size).toBe(0);
  });

  it('the kit’s own rules, which Prism cannot enforce, hold too: disjoint keys, exclusive parameters, 10 KB in one request', async () => {
    const api = await fake();
    const sharedKey = await call(api, 'createEndUser', 'POST', '/v2/end-users/', {
      profile: { metadata: { plan: 'pro' }, sensitive_metadata: { fields: { plan: 'secret' } } },
    });
    expect(sharedKey).toMatchObject({
      status: 400,
      body: {
        errors: [{ type: 'validation_error', details: [{ location: 'body', message: expect.stringContaining('(x-disjoint-keys)') }] }],
      },
    });
    const both = await call(api, 'listEndUsers', 'GET', '/v2/end-users/?external_id=crm-1&limit=5');
    expect(both).toMatchObject({
      status: 400,
      body: {
        errors: [
          {
            type: 'validation_error',
            details: [
              { parameter: 'limit', location: 'query', message: 'must not be combined with external_id (x-exclusive-parameter-groups)' },
            ],
          },
        ],
      },
    });
    const big = await call(api, 'createEndUser', 'POST', '/v2/end-users/', { profile: { metadata: { a: 'x'.repeat(11_000) } } });
    expect(big).toMatchObject({
      status: 400,
      body: {
        errors: [
          {
            type: 'validation_error',
            message: 'Metadata exceeds the maximum size of 10 KB.',
            details: [{ parameter: 'profile.metadata' }],
          },
        ],
      },
    });
    expect(api.size).toBe(0);
  });

  it('metadata keys Object also has (__proto__, constructor) are kept, returned and held disjoint like any other', async () => {
    const api = await fake({ seed: [{ end_user_id: 'u-names', profile: {} }] });
    const metadata = JSON.parse('{"__proto__":"p","constructor":"c","toString":"t"}');
    await call(api, 'updateEndUser', 'PATCH', '/v2/end-users/u-names', { profile: { metadata } });
    const read = await call(api, 'getEndUser', 'GET', '/v2/end-users/u-names');
    expect(Object.entries(read.body.profile.metadata)).toEqual([
      ['__proto__', 'p'],
      ['constructor', 'c'],
      ['toString', 't'],
    ]);
    const shared = await call(api, 'createEndUser', 'POST', '/v2/end-users/', {
      profile: { metadata: JSON.parse('{"__proto__":"a"}'), sensitive_metadata: { fields: JSON.parse('{"__proto__":"b"}') } },
    });
    expect(shared).toMatchObject({
      status: 400,
      body: { errors: [{ details: [{ message: expect.stringContaining('(x-disjoint-keys)') }] }] },
    });
  });

  it('metadata merged past 10 KB by updates: 400, as Ada answers, and nothing changes', async () => {
    const api = await fake();
    const created = await call(api, 'createEndUser', 'POST', '/v2/end-users/', { profile: { metadata: { a: 'x'.repeat(9000) } } });
    const tooMuch = await call(api, 'updateEndUser', 'PATCH', `/v2/end-users/${created.body.end_user_id}`, {
      profile: { metadata: { b: 'y'.repeat(9000) } },
    });
    expect(tooMuch).toMatchObject({ status: 400, body: { errors: [{ message: 'Metadata exceeds the maximum size of 10 KB.' }] } });
    expect((await call(api, 'getEndUser', 'GET', `/v2/end-users/${created.body.end_user_id}`)).body.profile.metadata).toEqual({
      a: 'x'.repeat(9000),
    });
  });
});

describe('the fake at its edges: bad bytes get a 400, the store answers only its front, nothing ends the process', () => {
  const auth = { authorization: `Bearer ${TEST_TOKEN}` };
  const jsonHeaders = { ...auth, 'content-type': 'application/json' };

  it.each([
    ['null', jsonHeaders, 'null'],
    ['false', jsonHeaders, 'false'],
    ['0', jsonHeaders, '0'],
    ['no body', jsonHeaders, undefined],
    ['text/plain', { ...auth, 'content-type': 'text/plain' }, '{"profile":{}}'],
    [
      'JSON that is not UTF-8',
      jsonHeaders,
      Buffer.concat([Buffer.from('{"profile":{"first_name":"'), Buffer.from([0xff]), Buffer.from('"}}')]),
    ],
  ] as const)('a create whose body is %s: 400 naming the body, never a 500, nothing stored', async (_name, headers, body) => {
    const api = await fake();
    const answer = await rawRequest(api.url, { method: 'POST', path: '/v2/end-users/', headers, ...(body === undefined ? {} : { body }) });
    expect([answer.status, JSON.parse(answer.body).errors[0].type]).toEqual([400, 'validation_error']);
    expect(api.size).toBe(0);
  });

  it('a valid create sent chunked (no content-length, as fetch sends a stream) is created', async () => {
    const api = await fake();
    const answer = await rawRequest(api.url, {
      method: 'POST',
      path: '/v2/end-users/',
      headers: jsonHeaders,
      body: '{"profile":{"first_name":"Ada"}}',
      chunked: true,
    });
    expect(answer.status).toBe(201);
    expect(JSON.parse(answer.body).profile.first_name).toBe('Ada');
  });

  it.each(['%FF', '%', '%2', '%ED%A0%80', '%E0%A4%A'])('a path whose percent-encoding is not UTF-8 (%s): 400', async (segment) => {
    const api = await fake();
    const answer = await rawRequest(api.url, { path: `/v2/end-users/${segment}`, headers: auth });
    expect(answer.status).toBe(400);
  });

  it('GET /v2/end-users/%2e names the end user ".", which no URL can carry: 400, not the list', async () => {
    const api = await fake({ seed: [{ end_user_id: 'u-1', profile: {} }] });
    const answer = await rawRequest(api.url, { path: '/v2/end-users/%2e', headers: auth });
    expect(answer.status).toBe(400);
    expect(answer.body).not.toContain('u-1');
  });

  it('the store answers only requests that carry its key (the front adds it); a malformed path there is a 400', async () => {
    const store = new EndUserStore();
    const server = await startFakeServer(store, undefined, () => 'http://127.0.0.1:1', { key: 'k'.repeat(43) });
    try {
      const create = (key?: string) =>
        rawRequest(server.url, {
          method: 'POST',
          path: '/v2/end-users/',
          headers: { 'content-type': 'application/json', ...(key === undefined ? {} : { [FAKE_KEY_HEADER]: key }) },
          body: '{}',
        });
      expect((await create()).status).toBe(403);
      expect((await create('k'.repeat(42))).status).toBe(403);
      expect(store.size).toBe(0);
      const malformed = await rawRequest(server.url, { path: '/v2/end-users/%E0%A4%A', headers: { [FAKE_KEY_HEADER]: 'k'.repeat(43) } });
      expect(malformed.status).toBe(400); // it threw an uncaught URIError, which ended the process
      const created = await create('k'.repeat(43));
      expect(created.status).toBe(201);
    } finally {
      await server.close();
    }
  });

  it('a client cannot bring its own key through the front: the front sends the store its own', async () => {
    const api = await fake();
    const answer = await rawRequest(api.url, {
      method: 'POST',
      path: '/v2/end-users/',
      headers: { ...jsonHeaders, [FAKE_KEY_HEADER]: 'forged' },
      body: '{}',
    });
    expect(answer.status).toBe(201);
  });
});

describe('the fake’s options, seed and reset', () => {
  it('metadata: replace', async () => {
    const api = await fake({ metadata: 'replace' });
    const { body } = await call(api, 'createEndUser', 'POST', '/v2/end-users/', { profile: { metadata: { plan: 'pro' } } });
    const updated = await call(api, 'updateEndUser', 'PATCH', `/v2/end-users/${body.end_user_id}`, { profile: { metadata: { seats: 3 } } });
    expect(updated.body.profile.metadata).toEqual({ seats: 3 });
  });

  it('upsertProfile: apply', async () => {
    const api = await fake({ upsertProfile: 'apply' });
    await call(api, 'createEndUser', 'POST', '/v2/end-users/', { external_id: 'crm-1', profile: { first_name: 'Ada' } });
    const again = await call(api, 'createEndUser', 'POST', '/v2/end-users/', { external_id: 'crm-1', profile: { first_name: 'Augusta' } });
    expect(again).toMatchObject({ status: 200, body: { profile: { first_name: 'Augusta' } } });
  });

  it('upsertProfile: apply holds merged metadata to 10 KB too, and changes nothing when it would pass', async () => {
    const api = await fake({ upsertProfile: 'apply' });
    await call(api, 'createEndUser', 'POST', '/v2/end-users/', { external_id: 'crm-1', profile: { metadata: { a: 'x'.repeat(9000) } } });
    const tooMuch = await call(api, 'createEndUser', 'POST', '/v2/end-users/', {
      external_id: 'crm-1',
      profile: { first_name: 'Augusta', metadata: { b: 'y'.repeat(9000) } },
    });
    expect(tooMuch).toMatchObject({ status: 400, body: { errors: [{ message: 'Metadata exceeds the maximum size of 10 KB.' }] } });
    const stored = await call(api, 'listEndUsers', 'GET', '/v2/end-users/?external_id=crm-1');
    expect(stored.body.profile).toMatchObject({ metadata: { a: 'x'.repeat(9000) } });
    expect(stored.body.profile).not.toHaveProperty('first_name', 'Augusta');
  });

  it('seeded at start, back to the seed on reset()', async () => {
    const api = await fake({ seed: [{ end_user_id: '5f7e0e2c1e7c7e000f0f9c3a', external_id: 'crm-7', profile: { first_name: 'Ada' } }] });
    expect((await call(api, 'getEndUser', 'GET', '/v2/end-users/5f7e0e2c1e7c7e000f0f9c3a')).body).toMatchObject({ external_id: 'crm-7' });
    await call(api, 'createEndUser', 'POST', '/v2/end-users/', {});
    expect(api.size).toBe(2);
    api.reset();
    expect(api.size).toBe(1);
    api.reset([]);
    expect(api.size).toBe(0);
  });

  it('external_ids stay indexed through every write: set, changed, cleared, freed for another, and after reset()', () => {
    const store = new EndUserStore({}, [{ end_user_id: 'u1', external_id: 'CRM-1', profile: {} }]);
    const holder = (externalId: string) => {
      const found = store.findByExternalId(externalId);
      return found.ok ? found.value.end_user_id : null;
    };
    expect(holder('crm-1')).toBe('u1'); // case-insensitive
    expect(store.update('u1', { external_id: 'CRM-2', profile: {} }).ok).toBe(true);
    expect([holder('crm-1'), holder('crm-2')]).toEqual([null, 'u1']);
    const other = store.create({ external_id: 'crm-1' }); // freed: another may take it
    expect(other).toMatchObject({ ok: true, value: { created: true } });
    expect(store.create({ external_id: 'Crm-2' })).toMatchObject({ ok: true, value: { created: false, endUser: { end_user_id: 'u1' } } });
    expect(store.update('u1', { external_id: null, profile: {} }).ok).toBe(true);
    expect(holder('crm-2')).toBeNull();
    const page = store.page(10);
    const otherId = other.ok ? other.value.endUser.end_user_id : '';
    expect(page.ok ? page.value.data.map((user) => user.end_user_id) : page).toEqual(['u1', otherId]);
    store.reset([{ end_user_id: 'u9', external_id: 'CRM-1', profile: {} }]);
    expect([holder('crm-1'), holder('crm-2'), store.size]).toEqual(['u9', null, 1]);
    expect(store.page(1, 'u1')).toMatchObject({ ok: false, status: 400 }); // gone with the reset
  });

  it('a seed’s profile keeps a key named __proto__ as a key (it was dropped: it set the prototype)', async () => {
    const seed = JSON.parse('[{"end_user_id":"u-proto","profile":{"first_name":"Ada","__proto__":{"plan":"pro"}}}]');
    const api = await fake({ seed });
    const read = await call(api, 'getEndUser', 'GET', '/v2/end-users/u-proto');
    expect(Object.entries(read.body.profile)).toContainEqual(['__proto__', { plan: 'pro' }]);
  });

  it('a seed the contract does not allow is refused at start, naming the entry and the rule', async () => {
    await expect(startMock({ stateful: true, seed: [{ profile: { email: 'not an address' } }] })).rejects.toThrow(
      /^seed\[0\] is not an end user the contract allows:\n\/profile\/email: must be an email address/,
    );
  });
});

describe('webhooks: signed as Ada’s, received here, verified with verifyWebhook', () => {
  const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  const receivers: TestServer[] = [];
  afterEach(() => Promise.all(receivers.splice(0).map((receiver) => receiver.close())));

  /** A receiver that answers attempt n with statuses[n] (the last one after that), recording what arrives. */
  async function receiver(...statuses: number[]) {
    const server = await startServer((_req, res) => json(res, statuses[Math.min(server.requests.length, statuses.length) - 1] ?? 200, {}));
    receivers.push(server);
    return server;
  }
  const events = (server: TestServer): EndUserWebhookEvent[] =>
    server.requests.map((request) => verifyWebhook(request.body, request.headers as Record<string, string>, SECRET));

  it('created on create, updated when a profile value changes, nothing for an upsert or an external_id alone', async () => {
    const inbox = await receiver(200);
    const api = await fake({ webhooks: { url: `${inbox.url}/hooks`, secret: SECRET } });
    const { body } = await call(api, 'createEndUser', 'POST', '/v2/end-users/', { external_id: 'crm-1', profile: { first_name: 'Ada' } });
    await call(api, 'createEndUser', 'POST', '/v2/end-users/', { external_id: 'crm-1' });
    await call(api, 'updateEndUser', 'PATCH', `/v2/end-users/${body.end_user_id}`, { external_id: 'crm-2', profile: {} });
    await call(api, 'updateEndUser', 'PATCH', `/v2/end-users/${body.end_user_id}`, { profile: { last_name: 'Lovelace' } });
    await api.webhooksSettled();
    const received = events(inbox);
    expect(received.map((event) => event.type)).toEqual(['v1.end_user.created', 'v1.end_user.updated']);
    expect(received.map((event) => event.tags)).toEqual([[body.end_user_id], [body.end_user_id]]);
    expect(received[1]!.data.profile.last_name).toBe('Lovelace');
    expect(inbox.requests.every((request) => request.url === '/hooks' && request.headers['svix-id']?.toString().startsWith('msg_'))).toBe(
      true,
    );
    expect(api.webhookDeliveries.map((d) => d.state)).toEqual(['delivered', 'delivered']);
  });

  it('a failing receiver is retried (same message id), then delivered', async () => {
    const inbox = await receiver(500, 503, 200);
    const api = await fake({ webhooks: { url: inbox.url, secret: SECRET, retryDelaysMs: [10, 10, 10] } });
    await call(api, 'createEndUser', 'POST', '/v2/end-users/', {});
    await api.webhooksSettled();
    expect(inbox.requests).toHaveLength(3);
    expect(new Set(inbox.requests.map((request) => request.headers['svix-id'])).size).toBe(1);
    expect(api.webhookDeliveries).toMatchObject([{ state: 'delivered', attempts: 3 }]);
    expect(events(inbox).map((event) => event.type)).toEqual(Array(3).fill('v1.end_user.created'));
  });

  it('a receiver that never accepts: bounded retries, the failure on the handle and in a log line', async () => {
    const inbox = await receiver(500);
    const lines: string[] = [];
    const api = await fake({ webhooks: { url: inbox.url, secret: SECRET, retryDelaysMs: [5, 5] }, onOutput: (text) => lines.push(text) });
    await call(api, 'createEndUser', 'POST', '/v2/end-users/', {});
    await api.webhooksSettled();
    expect(inbox.requests).toHaveLength(3);
    expect(api.webhookFailures).toMatchObject([
      { event: 'v1.end_user.created', state: 'failed', attempts: 3, lastError: 'the receiver answered 500' },
    ]);
    expect(lines.join('')).toMatch(
      /\[warn\] webhooks: v1\.end_user\.created msg_\w+ to http:\/\/127\.0\.0\.1:\d+\/ failed after 3 attempts: the receiver answered 500/,
    );
  });

  it('a delivery never delays the API answer: the create returns while the receiver still holds the webhook', async () => {
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const inbox = await startServer((_req, res) => void held.then(() => json(res, 200, {})));
    receivers.push(inbox);
    const api = await fake({ webhooks: { url: inbox.url, secret: SECRET } });
    const created = await call(api, 'createEndUser', 'POST', '/v2/end-users/', {});
    expect(created.status).toBe(201);
    expect(api.webhookDeliveries).toMatchObject([{ state: 'pending' }]);
    release();
    await api.webhooksSettled();
    expect(api.webhookDeliveries).toMatchObject([{ state: 'delivered' }]);
  });

  it('the log line names the receiver without its credentials (user info, query)', async () => {
    const inbox = await receiver(500);
    const lines: string[] = [];
    const url = `${inbox.url.replace('//', '//hook-user:hook-pass@')}/in?token=hook-token`;
    const api = await fake({ webhooks: { url, secret: SECRET, retryDelaysMs: [] }, onOutput: (text) => lines.push(text) });
    await call(api, 'createEndUser', 'POST', '/v2/end-users/', {});
    await api.webhooksSettled();
    expect(inbox.requests.map((request) => [request.url, request.headers.authorization])).toEqual([
      ['/in?token=hook-token', `Basic ${Buffer.from('hook-user:hook-pass').toString('base64')}`],
    ]);
    expect(lines.join('')).toContain(`to ${inbox.url}/in failed after 1 attempts`);
    expect(lines.join('')).not.toMatch(/hook-(user|pass|token)/);
  });

  it('keeps at most keepDeliveries deliveries, dropping the oldest settled ones', async () => {
    const inbox = await receiver(200);
    const api = await fake({ webhooks: { url: inbox.url, secret: SECRET, keepDeliveries: 2 } });
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      ids.push(String((await call(api, 'createEndUser', 'POST', '/v2/end-users/', {})).body.end_user_id));
      await api.webhooksSettled();
    }
    expect(inbox.requests).toHaveLength(4);
    expect(api.webhookDeliveries.map((delivery) => delivery.endUserId)).toEqual(ids.slice(2));
  });

  it('webhook options out of range are refused at start, naming the option', async () => {
    for (const [changes, message] of [
      [{ url: 'ftp://127.0.0.1/x' }, 'webhooks.url must be an absolute http(s) URL'],
      [{ url: '/relative' }, 'webhooks.url must be an absolute http(s) URL'],
      [{ keepDeliveries: 0 }, 'webhooks.keepDeliveries must be a positive integer'],
      [{ timeoutMs: -1 }, 'webhooks.timeoutMs must be a number of milliseconds from 1 to 2147483647'],
      // A timer cannot hold 2^31 ms: Node would fire it at once, and every attempt would fail.
      [{ timeoutMs: 2 ** 31 }, 'webhooks.timeoutMs must be a number of milliseconds from 1 to 2147483647'],
      [{ retryDelaysMs: [10, -5] }, 'webhooks.retryDelaysMs[1] must be a number of milliseconds from 0 to 2147483647'],
      [{ retryDelaysMs: [2 ** 31] }, 'webhooks.retryDelaysMs[0] must be a number of milliseconds from 0 to 2147483647'],
      [{ retryDelaysMs: 'soon' }, 'webhooks.retryDelaysMs must be an array of delays (milliseconds)'],
    ] as const) {
      const webhooks = { url: 'http://127.0.0.1:9', secret: SECRET, ...(changes as object) };
      await expect(startMock({ stateful: true, webhooks })).rejects.toThrow(message);
    }
  });

  it.each([307, 308, 302, 301])(
    'a receiver answering %i: a failed attempt (retried, then a failure), never followed to where it points',
    async (status) => {
      const target = await receiver(200);
      const inbox = await startServer((_req, res) => {
        res.writeHead(status, { location: `${target.url}/moved` });
        res.end();
      });
      receivers.push(inbox);
      const api = await fake({ webhooks: { url: inbox.url, secret: SECRET, retryDelaysMs: [5] } });
      await call(api, 'createEndUser', 'POST', '/v2/end-users/', {});
      await api.webhooksSettled();
      expect(inbox.requests).toHaveLength(2);
      expect(target.requests).toEqual([]); // neither the signed body nor a GET went there
      expect(api.webhookFailures).toMatchObject([{ attempts: 2, lastError: `the receiver answered ${status} (a redirect: not followed)` }]);
    },
  );

  it('a receiver whose answer never ends: its status counts, a few KB of the body are read, then the connection is let go', async () => {
    let closed!: () => void;
    const gone = new Promise<void>((resolve) => (closed = resolve));
    let written = 0;
    const inbox = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      const chunk = Buffer.alloc(64 * 1024, 'x');
      const pump = () => {
        while (!res.destroyed) {
          written += chunk.length;
          if (!res.write(chunk)) return; // on again at 'drain'
        }
      };
      res.on('drain', pump);
      res.once('close', closed);
      pump();
    });
    receivers.push(inbox);
    const api = await fake({ webhooks: { url: inbox.url, secret: SECRET, retryDelaysMs: [], timeoutMs: 20_000 } });
    await call(api, 'createEndUser', 'POST', '/v2/end-users/', {});
    await api.webhooksSettled();
    expect(api.webhookDeliveries).toMatchObject([{ state: 'delivered', attempts: 1 }]);
    await gone; // the sender hung up
    // What the socket buffers took, not the body: read whole, it was read until the 20 s timeout (GBs).
    expect(written).toBeLessThan(32 * 1024 * 1024);
  });

  it('webhooks.url may be a URL object', async () => {
    const inbox = await receiver(200);
    const api = await fake({ webhooks: { url: new URL('/hooks', inbox.url), secret: SECRET } });
    await call(api, 'createEndUser', 'POST', '/v2/end-users/', {});
    await api.webhooksSettled();
    expect(inbox.requests.map((request) => request.url)).toEqual(['/hooks']);
  });

  it('a secret that is not one is refused at start, without echoing it', async () => {
    await expect(startMock({ stateful: true, webhooks: { url: 'http://127.0.0.1:9', secret: 'whsec_!!secret-ish!!' } })).rejects.toThrow(
      'webhooks.secret must be a signing secret such as whsec_ followed by base64',
    );
  });
});

describe('the same flow through createAdaClient', () => {
  it(
    'create, upsert, find, update, conflict, and every end user with for await',
    async () => {
      const api = await fake();
      const ada = createAdaClient({ baseUrl: api.url, token: TEST_TOKEN, validateResponses: true });
      const first = await ada.createEndUser({ external_id: 'crm-1', profile: { first_name: 'Ada' } });
      expect(first.created).toBe(true);
      expect(await ada.createEndUser({ external_id: 'CRM-1' })).toMatchObject({
        created: false,
        endUser: { end_user_id: first.endUser.end_user_id },
      });
      expect(await ada.findEndUserByExternalId('crm-1')).toMatchObject({ end_user_id: first.endUser.end_user_id });
      expect(await ada.findEndUserByExternalId('nobody')).toBe(null);
      const updated = await ada.updateEndUser(first.endUser.end_user_id, { profile: { last_name: 'Lovelace' } });
      expect(updated.profile).toMatchObject({ first_name: 'Ada', last_name: 'Lovelace' });
      const other = await ada.createEndUser({ profile: { first_name: 'Grace' } });
      await expect(ada.updateEndUser(other.endUser.end_user_id, { external_id: 'crm-1', profile: {} })).rejects.toMatchObject({
        name: 'ConflictError',
      });
      for (let i = 0; i < 5; i++) await ada.createEndUser({ profile: { first_name: `U${i}` } });
      const names: string[] = [];
      for await (const user of ada.listEndUsers({ limit: 3 })) names.push(user.profile.first_name ?? '');
      expect(names).toEqual(['Ada', 'Grace', 'U0', 'U1', 'U2', 'U3', 'U4']);
      await expect(ada.getEndUser('000000000000000000000000')).rejects.toMatchObject({ name: 'NotFoundError' });
    },
    CHILD_PROCESS_TIMEOUT,
  );
});
