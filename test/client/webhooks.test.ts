// verifyWebhook as a production receiver meets it: messages signed with the `standardwebhooks` library
// (Svix's scheme), each way to fail with its own error, the payload held to the spec, and the secret in
// no error.
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  verifyWebhook,
  WebhookPayloadError,
  WebhookSignatureError,
  WebhookTimestampError,
  WebhookVerificationError,
} from '../../src/client/webhooks.js';
import { seedResponse, svixHeaders } from '../helpers/support.js';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const OTHER_SECRET = 'whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD';

/** A message as Ada's webhooks arrive: svix-* headers over the raw body, signed `at` (default now). */
function signed(payload: unknown, { secret = SECRET, at = new Date(), raw }: { secret?: string; at?: Date; raw?: string } = {}) {
  const body = raw ?? JSON.stringify(payload);
  return { body, headers: svixHeaders(secret, 'msg_2Kq1c0ZkXyJ7Wb1ZbY3fD9pQx2A', body, at) };
}

const created = () => ({
  type: 'v1.end_user.created',
  timestamp: '2026-11-27T12:00:00.123Z',
  data: seedResponse(),
  tags: [seedResponse().end_user_id],
});

const failure = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected verifyWebhook to throw');
};

describe('verifyWebhook', () => {
  it('returns the typed event of an authentic message (created and updated)', () => {
    const { body, headers } = signed(created());
    const event = verifyWebhook(body, headers, SECRET);
    expect(event.type).toBe('v1.end_user.created');
    expect(event.data.end_user_id).toBe(seedResponse().end_user_id);
    const updated = signed({ ...created(), type: 'v1.end_user.updated' });
    expect(verifyWebhook(Buffer.from(updated.body), new Headers(updated.headers), SECRET).type).toBe('v1.end_user.updated');
  });

  it('bytes on a runtime without Buffer (Deno, workerd, browsers): verified, bad UTF-8 read as U+FFFD as Buffer reads it', () => {
    const text = JSON.stringify({ ...created(), data: { ...seedResponse(), profile: { first_name: 'AdXa' } } });
    const bytes = new TextEncoder().encode(text);
    bytes[text.indexOf('AdXa') + 2] = 0xff; // X becomes a byte that is not UTF-8
    const decoded = Buffer.from(bytes).toString('utf8'); // what the bytes read as on Node
    const { headers } = signed(undefined, { raw: decoded });
    const saved = globalThis.Buffer;
    Reflect.deleteProperty(globalThis, 'Buffer');
    try {
      expect(verifyWebhook(bytes, headers, SECRET).data.profile.first_name).toBe('Ad\uFFFDa');
    } finally {
      globalThis.Buffer = saved;
    }
  });

  it('reads the Standard Webhooks header names too, and headers in any case', () => {
    const { body, headers } = signed(created());
    const renamed = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.replace('svix-', 'Webhook-'), value]));
    expect(verifyWebhook(body, renamed, SECRET).type).toBe('v1.end_user.created');
  });

  it('headers as any server hands them over: Headers, a plain object, Node’s req.headers (repeats as arrays), a Map', () => {
    const { body, headers } = signed(created());
    const other = svixHeaders(OTHER_SECRET, 'msg_2Kq1c0ZkXyJ7Wb1ZbY3fD9pQx2A', body)['svix-signature'];
    const node = { ...headers, 'svix-signature': [other!, headers['svix-signature']!] }; // one of several signatures matches
    const upper = new Map(Object.entries(headers).map(([name, value]) => [name.toUpperCase(), value]));
    for (const form of [new Headers(headers), headers, node, new Map(Object.entries(headers)), upper]) {
      expect(verifyWebhook(body, form, SECRET).type).toBe('v1.end_user.created');
    }
  });

  it.each([
    ['null', null],
    ['undefined', undefined],
    ['a string', 'svix-id: msg_1'],
    ['an array of pairs', [['svix-id', 'msg_1']]],
  ])('headers that are %s: a TypeError naming the argument, not a crash', (_name, headers) => {
    const { body } = signed(created());
    const error = failure(() => verifyWebhook(body, headers as never, SECRET));
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toMatch(/^verifyWebhook: headers must be the request's headers/);
  });

  it('a body changed after signing: WebhookSignatureError', () => {
    const { body, headers } = signed(created());
    const error = failure(() => verifyWebhook(body.replace('Ada', 'Eve'), headers, SECRET));
    expect(error).toBeInstanceOf(WebhookSignatureError);
    expect(error).toBeInstanceOf(WebhookVerificationError);
    expect(error.message).toBe('no signature of the webhook matches its body with this secret');
  });

  it('another secret: WebhookSignatureError; one of several signatures (a rotation) is enough', () => {
    const at = new Date(); // both signatures over the same id, timestamp and body
    const { body, headers } = signed(created(), { secret: OTHER_SECRET, at });
    expect(failure(() => verifyWebhook(body, headers, SECRET))).toBeInstanceOf(WebhookSignatureError);
    const rotated = { ...headers, 'svix-signature': `${headers['svix-signature']} ${signed(created(), { at }).headers['svix-signature']}` };
    expect(verifyWebhook(body, rotated, SECRET).type).toBe('v1.end_user.created');
  });

  it('missing svix headers: WebhookSignatureError naming them', () => {
    const { body } = signed(created());
    expect(failure(() => verifyWebhook(body, {}, SECRET)).message).toBe(
      'the webhook lacks the headers svix-id, svix-timestamp, svix-signature',
    );
  });

  it('a message signed more than 5 minutes ago (a replay): WebhookTimestampError', () => {
    const { body, headers } = signed(created(), { at: new Date(Date.now() - 10 * 60_000) });
    const error = failure(() => verifyWebhook(body, headers, SECRET));
    expect(error).toBeInstanceOf(WebhookTimestampError);
    expect(error.message).toMatch(/more than 5 minutes from this machine's clock \(message timestamp too old\)/);
  });

  it('an authentic body that is not JSON: WebhookPayloadError', () => {
    const { body, headers } = signed(undefined, { raw: 'not json' });
    expect(failure(() => verifyWebhook(body, headers, SECRET))).toMatchObject({
      name: 'WebhookPayloadError',
      issues: [{ keyword: 'json' }],
    });
  });

  it('an authentic payload that breaks the contract (sensitive_metadata in data): WebhookPayloadError with issues', () => {
    const leaky = created();
    (leaky.data.profile as Record<string, unknown>).sensitive_metadata = { fields: { token: 'x' } };
    const { body, headers } = signed(leaky);
    const error = failure(() => verifyWebhook(body, headers, SECRET)) as WebhookPayloadError;
    expect(error).toBeInstanceOf(WebhookPayloadError);
    expect(error.issues).toEqual([{ path: '/data/profile/sensitive_metadata', keyword: 'not', message: 'must not be present' }]);
  });

  it('an authentic event of a type the contract does not describe: WebhookPayloadError', () => {
    const { body, headers } = signed({ ...created(), type: 'v1.conversation.created' });
    expect(failure(() => verifyWebhook(body, headers, SECRET))).toMatchObject({ name: 'WebhookPayloadError', issues: [{ path: '/type' }] });
  });

  it.each(['constructor', 'toString', '__proto__'])(
    'an authentic event whose type is %s (a name Object has): WebhookPayloadError',
    (type) => {
      const { body, headers } = signed({ ...created(), type });
      expect(failure(() => verifyWebhook(body, headers, SECRET))).toMatchObject({
        name: 'WebhookPayloadError',
        issues: [{ path: '/type' }],
      });
    },
  );

  it('a secret that is not one, and a parsed body, are TypeErrors that never echo the secret', () => {
    const { body, headers } = signed(created());
    const badSecret = 'whsec_!!!not-base64!!!';
    const error = failure(() => verifyWebhook(body, headers, badSecret));
    expect(error).toBeInstanceOf(TypeError);
    expect(inspect(error)).not.toContain('not-base64');
    expect(failure(() => verifyWebhook(JSON.parse(body), headers, SECRET))).toBeInstanceOf(TypeError);
  });

  it('no error carries the secret', () => {
    const { body, headers } = signed(created(), { secret: OTHER_SECRET });
    for (const run of [
      () => verifyWebhook(body, headers, SECRET),
      () => verifyWebhook('x', headers, SECRET),
      () => verifyWebhook(body, {}, SECRET),
    ]) {
      const error = failure(run);
      expect(`${inspect(error, { depth: 10 })}${JSON.stringify(error)}`).not.toContain(SECRET.slice(6));
    }
  });
});
