// Responses of every operation, for every status the spec documents, and both webhooks' payloads,
// generated from the spec (unknown fields included where a schema is open, as a newer API may send
// them): the validators accept them, the client reads them from a real server as the contract says
// (a value for a 2xx, the typed API error otherwise, never a contract violation), and verifyWebhook
// accepts every payload signed as Ada signs it.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arbitraryResponseBody, arbitraryWebhookPayload } from '../../src/arbitraries/index.js';
import { type AdaClient, createAdaClient } from '../../src/client/client.js';
import { AdaApiError } from '../../src/client/errors.js';
import { operations, webhooks } from '../../src/contract/operations.js';
import { validateResponse, validateWebhookPayload } from '../../src/contract/validation.js';
import { verifyWebhook } from '../../src/client/webhooks.js';
import { json, startServer, type TestServer } from '../helpers/http-server.js';
import { END_USER_ID, FC_SEED, TEST_TOKEN, svixHeaders } from '../helpers/support.js';
import type { Json } from '../../src/contract/json-pointer.js';

const seed = FC_SEED;
console.info(`generative response tests: FC_SEED=${seed}`);

/** A status that stands for a documented range or `default` (no status of its own is documented for it). */
const statusFor = (documented: string) => (documented === 'default' ? 418 : Number(documented.replace(/XX$/, '00')));

const documented = Object.values(operations).flatMap((op) =>
  Object.entries(op.responses)
    .filter(([, media]) => media.schema)
    .map(([status]) => [`${op.operationId} ${status}`, op.operationId, status] as const),
);

describe('generated responses pass the validators', () => {
  it.each(documented)('%s', (_name, operationId, status) => {
    fc.assert(
      fc.property(arbitraryResponseBody(operationId, status), (body) => {
        expect(validateResponse(operationId, statusFor(status), body)).toEqual({ ok: true });
      }),
      { numRuns: 100, seed },
    );
  });

  it('every operation documents a JSON body for its success and its errors', () => {
    for (const op of Object.values(operations)) {
      const statuses = documented.filter(([, id]) => id === op.operationId).map(([, , status]) => status);
      expect([op.operationId, statuses.some((s) => s.startsWith('2')), statuses.includes('default')]).toEqual([op.operationId, true, true]);
    }
  });
});

describe('the client reads every generated response as the contract says', () => {
  let server: TestServer;
  let answer: { status: number; body: unknown } = { status: 200, body: {} };
  beforeAll(async () => {
    server = await startServer((_request, res) => json(res, answer.status, answer.body));
  });
  afterAll(() => server.close());

  // How each operation is called. An operation of the spec this test does not know fails below.
  const calls: Record<string, (client: AdaClient, body: Json) => PromiseLike<unknown>> = {
    getEndUser: (client) => client.getEndUser(END_USER_ID),
    updateEndUser: (client) => client.updateEndUser(END_USER_ID, { profile: {} }),
    createEndUser: (client) => client.createEndUser({}),
    // The 200 is a page or, for a lookup, one end user: each asked for as such (a lookup's 404 is null, not an error).
    listEndUsers: (client, body) =>
      body && typeof body === 'object' && 'end_user_id' in body
        ? client.findEndUserByExternalId('crm-1')
        : client.listEndUsers({ limit: 10 }),
  };

  it('knows how to call every operation', () => {
    expect(Object.keys(operations).sort()).toEqual(Object.keys(calls).sort());
  });

  it.each(documented)('%s', async (_name, operationId, status) => {
    const client = createAdaClient({ baseUrl: server.url, token: TEST_TOKEN, validateResponses: true, maxRetries: 0 });
    await fc.assert(
      fc.asyncProperty(arbitraryResponseBody(operationId, status), async (body) => {
        answer = { status: statusFor(status), body };
        const outcome = await Promise.resolve(calls[operationId]!(client, body as Json)).then(
          (value) => ({ value }),
          (error: unknown) => ({ error }),
        );
        if (status.startsWith('2')) {
          expect(outcome).not.toHaveProperty('error');
        } else {
          expect('error' in outcome && outcome.error).toBeInstanceOf(AdaApiError);
          expect((outcome as { error: AdaApiError }).error.status).toBe(statusFor(status));
        }
      }),
      { numRuns: 25, seed },
    );
  });
});

describe('generated webhook payloads', () => {
  const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  it.each(Object.keys(webhooks))('%s: pass the validator, and verifyWebhook returns them when signed', (event) => {
    fc.assert(
      fc.property(arbitraryWebhookPayload(event), (payload) => {
        expect(validateWebhookPayload(event, payload)).toEqual({ ok: true });
        const body = JSON.stringify(payload);
        expect(verifyWebhook(body, svixHeaders(SECRET, 'msg_1', body), SECRET)).toEqual(payload);
      }),
      { numRuns: 100, seed },
    );
  });
});
