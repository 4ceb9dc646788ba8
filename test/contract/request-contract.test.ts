// Every rule of the request schema, checked twice: by the kit's local validator and by the real Prism
// mock (through the real client), which must agree on the verdict and on where the problem is: Prism
// names it in sl-violations, or, for a rule Prism cannot enforce, the mock's front in its 400.
import { afterAll, describe, expect, it } from 'vitest';
import { createAdaClient } from '../../src/client/client.js';
import { AdaApiError } from '../../src/client/errors.js';
import { startMock, type RunningMock } from '../../src/mock/mock.js';
import { validateUpdateEndUserRequest } from '../../src/contract/validation.js';
import { invalidRequestCases } from '../helpers/invalid-requests.js';
import { END_USER_ID, mockClient, prismPointsAt, seedRequest, TEST_TOKEN } from '../helpers/support.js';
import type { Json } from '../../src/contract/json-pointer.js';

const ok = (body: Record<string, Json>) => body;
const validBodies: Array<[string, unknown]> = [
  ['the seed request', seedRequest()],
  ['an empty profile', { profile: {} }],
  [
    'nulls everywhere',
    {
      external_id: null,
      profile: {
        first_name: null,
        last_name: null,
        display_name: null,
        avatar: null,
        email: null,
        language: null,
        metadata: null,
        sensitive_metadata: null,
      },
    },
  ],
  ['external_id of exactly 36 characters', { external_id: 'x'.repeat(36), profile: {} }],
  ['an empty external_id', { external_id: '', profile: {} }],
  [
    'exactly 20 sensitive pairs, one removed with null',
    ok({
      profile: {
        sensitive_metadata: {
          fields: Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k-${i}_X`, i === 0 ? null : i % 2 === 0 ? i : true])),
        },
      },
    }),
  ],
  ['metadata of exactly 10240 bytes', { profile: { metadata: { big: 'x'.repeat(10_240 - '{"big":""}'.length) } } }],
  ['multi-byte metadata under the limit', { profile: { metadata: { name: 'é'.repeat(5000) } } }],
  ['language tags with script and region', { profile: { language: 'zh-Hant-TW' } }],
  ['integer metadata values of any size', { profile: { metadata: { big: 9007199254740991, neg: -1, zero: 0 } } }],
];

describe('valid request bodies', () => {
  it.each(validBodies)('%s: local validator accepts', (_name, body) => {
    expect(validateUpdateEndUserRequest(body)).toEqual({ ok: true });
  });

  it.each(validBodies)('%s: the mock answers 200', async (_name, body) => {
    const user = await mockClient().updateEndUser(END_USER_ID, body as never);
    expect(user.end_user_id).toEqual(expect.any(String));
  });
});

describe('invalid request bodies: one broken rule each', () => {
  it.each(invalidRequestCases)('$rule: local validator reports $path', ({ body, path, message }) => {
    const result = validateUpdateEndUserRequest(body);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toContainEqual(expect.objectContaining({ path, message: expect.stringContaining(message) }));
    // Exactly one rule was broken, so every reported problem is at that path.
    expect(result.errors.every((error) => error.path === path)).toBe(true);
  });

  const enforcedByPrism = invalidRequestCases.filter((c) => !c.prismCannotEnforce);
  it.each(enforcedByPrism)('$rule: the mock rejects it with 400 and points at $path', async ({ body, path }) => {
    // validateRequests off: the body must reach Prism, which is what is under test here.
    const error = await mockClient({ validateRequests: false })
      .updateEndUser(END_USER_ID, body as never)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AdaApiError);
    const apiError = error as AdaApiError;
    expect(apiError.status).toBe(400);
    expect(apiError.errors.length).toBeGreaterThan(0);
    expect(prismPointsAt(apiError.headers, path)).toBe(true);
  });

  // What Prism cannot enforce, the mock's front does with the kit's validators: the same 400 the fake answers.
  const notEnforcedByPrism = invalidRequestCases.filter((c) => c.prismCannotEnforce);
  it.each(notEnforcedByPrism)('$rule: the mock rejects it with 400 naming $path (the kit’s rules, not Prism’s)', async ({ body, path }) => {
    const error = await mockClient({ validateRequests: false })
      .updateEndUser(END_USER_ID, body as never)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      status: 400,
      errors: [{ details: [{ parameter: path.slice(1).split('/').join('.'), location: 'body' }] }],
    });
  });

  // Pins a known Prism limitation, so docs/prism.md's claim stays true: if Prism ever starts enforcing
  // these, this test fails and the case moves to the test above. (`rules: 'prism'`: Prism alone.)
  let prismOnly: RunningMock | undefined;
  afterAll(() => prismOnly?.stop());
  it.each(notEnforcedByPrism)('$rule: Prism alone lets it through ($prismCannotEnforce)', async ({ body }) => {
    prismOnly ??= await startMock({ rules: 'prism' });
    const user = await createAdaClient({ baseUrl: prismOnly.url, token: TEST_TOKEN, validateRequests: false }).updateEndUser(
      END_USER_ID,
      body as never,
    );
    expect(user.end_user_id).toEqual(expect.any(String));
  });

  it('covers every rule once', () => {
    expect(new Set(invalidRequestCases.map((c) => c.rule)).size).toBe(invalidRequestCases.length);
    expect(notEnforcedByPrism.map((c) => c.rule)).toEqual(['metadata is at most 10 KB as JSON']);
  });
});

describe('validation results', () => {
  it('report every broken rule of a body, each with its own path', () => {
    const body = seedRequest();
    body.external_id = 'x'.repeat(40);
    body.profile.email = 'nope';
    const result = validateUpdateEndUserRequest(body);
    expect(result).toEqual({
      ok: false,
      errors: [
        { path: '/external_id', message: 'must be at most 36 characters', keyword: 'maxLength' },
        { path: '/profile/email', message: 'must be an email address', keyword: 'format' },
      ],
    });
  });

  it('name the allowed properties when a key is unknown, so typos are obvious', () => {
    const result = validateUpdateEndUserRequest({ profile: { firstName: 'Ada' } });
    expect(result.ok || result.errors[0]?.message).toContain('allowed: first_name, last_name');
  });

  it('report values that are not JSON at all instead of crashing', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const result = validateUpdateEndUserRequest({ profile: { metadata: { big: 10n, loop: cyclic } } });
    expect(result).toEqual({
      ok: false,
      errors: [
        { path: '/profile/metadata/big', message: 'must be string, boolean or integer', keyword: 'type' },
        { path: '/profile/metadata/loop', message: 'must be string, boolean or integer', keyword: 'type' },
      ],
    });
  });

  it('escape JSON-pointer segments in keys', () => {
    const result = validateUpdateEndUserRequest({ profile: { sensitive_metadata: { fields: { 'a/b~c': 'x' } } } });
    expect(result.ok || result.errors.map((e) => e.path)).toEqual(['/profile/sensitive_metadata/fields/a~1b~0c']);
  });
});
