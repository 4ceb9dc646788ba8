// The whole End Users resource in the spec: every named example of every operation and webhook
// validates with the kit's validators (found by walking the bundled spec, not listed by hand), the rules
// the validators add to JSON Schema hold, and the mock serves every operation with answers that conform.
import { describe, expect, it } from 'vitest';
import { PATH_ITEM_METHODS } from '../../src/breaking/operations.js';
import { escapePointerSegment } from '../../src/contract/json-pointer.js';
import { derefNode, openapiDocument } from '../../src/contract/spec.js';
import { createAdaClient } from '../../src/client/client.js';
import { validateWithAjv } from '../../src/contract/ajv.js';
import { parseQuery, validateRequest } from '../../src/contract/validation.js';
import { mockUrl, seedResponse, TEST_TOKEN } from '../helpers/support.js';
import type { Json } from '../../src/contract/json-pointer.js';

/** [label, schema pointer, example value] for every named example of every request body, response and webhook payload. */
function namedExamples(): Array<[string, string, unknown]> {
  const found: Array<[string, string, unknown]> = [];
  const doc = openapiDocument as Json;
  for (const [section, items] of [
    ['paths', doc.paths],
    ['webhooks', doc.webhooks ?? {}],
  ] as const) {
    for (const [path, item] of Object.entries<Json>(items)) {
      for (const method of PATH_ITEM_METHODS.filter((m) => item[m])) {
        const operation = item[method];
        const base = `#/${section}/${escapePointerSegment(path)}/${method}`;
        const holders: Array<[string, Json, string]> = [
          [`${method.toUpperCase()} ${path} request`, operation.requestBody, `${base}/requestBody`],
        ];
        for (const [status, response] of Object.entries<Json>(operation.responses ?? {})) {
          holders.push([`${method.toUpperCase()} ${path} ${status}`, response, `${base}/responses/${status}`]);
        }
        for (const [label, holder, at] of holders) {
          const resolved = derefNode(holder);
          const pointer = holder?.$ref ?? at;
          for (const [type, media] of Object.entries<Json>(resolved?.content ?? {})) {
            for (const [name, example] of Object.entries<Json>(media.examples ?? {})) {
              found.push([`${label} ${name}`, `${pointer}/content/${escapePointerSegment(type)}/schema`, derefNode(example).value]);
            }
          }
        }
      }
    }
  }
  return found;
}

describe('every named example validates with the kit’s validators', () => {
  const examples = namedExamples();

  it('covers every operation and both webhooks', () => {
    const labels = examples.map(([label]) => label).join('\n');
    for (const covered of [
      'GET /v2/end-users/{end_user_id} 200',
      'PATCH /v2/end-users/{end_user_id} request',
      'GET /v2/end-users/ 200 page',
      'GET /v2/end-users/ 200 lookup',
      'POST /v2/end-users/ request',
      'POST /v2/end-users/ 201',
      'POST /v2/end-users/ 200',
      'POST v1.end_user.created request',
      'POST v1.end_user.updated request',
    ]) {
      expect(labels).toContain(covered);
    }
  });

  it.each(examples)('%s', (_label, pointer, value) => {
    expect(validateWithAjv(pointer, value)).toEqual({ ok: true });
  });
});

describe('rules the validators add to JSON Schema', () => {
  const create = '#/components/schemas/CreateEndUserRequest';

  it('create: a key may not be both a metadata key and a sensitive key (x-disjoint-keys)', () => {
    const body = { profile: { metadata: { plan: 'pro', seats: 3 }, sensitive_metadata: { fields: { plan: 'x', token: 'y' } } } };
    expect(validateWithAjv(create, body)).toEqual({
      ok: false,
      errors: [
        {
          path: '/profile/sensitive_metadata/fields/plan',
          message: 'must not also be a key of /profile/metadata',
          keyword: 'x-disjoint-keys',
        },
      ],
    });
    expect(validateWithAjv(create, { profile: { metadata: { plan: 'pro' }, sensitive_metadata: { fields: { token: 'y' } } } })).toEqual({
      ok: true,
    });
  });

  it('create: `{}` is a valid body (a blank end user), unknown keys are not', () => {
    expect(validateWithAjv(create, {})).toEqual({ ok: true });
    expect(validateWithAjv(create, { externalId: 'x' })).toMatchObject({
      ok: false,
      errors: [{ path: '/externalId', keyword: 'additionalProperties' }],
    });
  });
});

describe('the list’s parameters (validateRequest)', () => {
  it('external_id may not be combined with cursor or limit (x-exclusive-parameter-groups)', () => {
    expect(validateRequest('listEndUsers', { query: { external_id: 'crm-1', limit: 10, cursor: 'c' } })).toEqual({
      ok: false,
      errors: [
        { path: '/cursor', in: 'query', keyword: 'x-exclusive-parameter-groups', message: 'must not be combined with external_id' },
        { path: '/limit', in: 'query', keyword: 'x-exclusive-parameter-groups', message: 'must not be combined with external_id' },
      ],
    });
    expect(validateRequest('listEndUsers', { query: { cursor: 'c', limit: 10 } })).toEqual({ ok: true });
    expect(validateRequest('listEndUsers', { query: { external_id: 'crm-1' } })).toEqual({ ok: true });
  });

  it('a parameter the operation does not have, and a missing path parameter, are issues too', () => {
    expect(validateRequest('listEndUsers', { query: { page: 2 } })).toMatchObject({
      ok: false,
      errors: [
        {
          path: '/page',
          in: 'query',
          keyword: 'parameter',
          message: 'is not a query parameter of listEndUsers; allowed: cursor, limit, external_id',
        },
      ],
    });
    expect(validateRequest('getEndUser', {})).toMatchObject({
      ok: false,
      errors: [{ path: '/end_user_id', in: 'path', keyword: 'required' }],
    });
  });

  it.each(['constructor', 'toString', '__proto__'])('an operation named %s (a name Object has) is no operation of the spec', (name) => {
    expect(() => validateRequest(name, {})).toThrow(`the spec has no operation "${name}"`);
  });

  it('a parameter named __proto__ from the wire (parseQuery) is a parameter, refused as unknown, not a prototype', () => {
    for (const wire of ['__proto__=1', '__proto__=1&__proto__=2', 'limit=5&__proto__=x']) {
      const query = parseQuery('listEndUsers', new URLSearchParams(wire));
      expect(Object.hasOwn(query, '__proto__')).toBe(true);
      expect(validateRequest('listEndUsers', { query })).toMatchObject({
        ok: false,
        errors: [{ path: '/__proto__', in: 'query', keyword: 'parameter' }],
      });
    }
  });

  it('the client refuses a lookup combined with a page’s parameters before anything is sent', async () => {
    const ada = createAdaClient({ baseUrl: 'http://127.0.0.1:1', token: TEST_TOKEN, maxRetries: 0 });
    await expect(ada.listEndUsers({ limit: 10, external_id: 'crm-1' } as never)).rejects.toMatchObject({
      name: 'AdaValidationError',
      issues: [{ path: '/limit', keyword: 'x-exclusive-parameter-groups' }],
    });
  });
});

describe('response and payload schemas', () => {
  it('a page requires data; next_page_url may be null or absent, and is an absolute URI', () => {
    const page = '#/components/schemas/EndUsersPage';
    expect(validateWithAjv(page, { data: [] })).toEqual({ ok: true });
    expect(validateWithAjv(page, { data: [], meta: { next_page_url: null } })).toEqual({ ok: true });
    expect(validateWithAjv(page, { meta: {} })).toMatchObject({ ok: false, errors: [{ path: '/data', keyword: 'required' }] });
    expect(validateWithAjv(page, { data: [], meta: { next_page_url: '?cursor=1' } })).toMatchObject({
      ok: false,
      errors: [{ path: '/meta/next_page_url', keyword: 'format' }],
    });
  });

  it.each(['EndUserCreatedEvent', 'EndUserUpdatedEvent'])('%s: the end user in data never holds sensitive_metadata', (name) => {
    const user = seedResponse();
    user.profile.sensitive_metadata = { fields: { token: 'x' } };
    const type = name === 'EndUserCreatedEvent' ? 'v1.end_user.created' : 'v1.end_user.updated';
    expect(validateWithAjv(`#/components/schemas/${name}`, { type, data: user })).toEqual({
      ok: false,
      errors: [{ path: '/data/profile/sensitive_metadata', message: 'must not be present', keyword: 'not' }],
    });
  });

  it('webhooks carry the answers’ end user without readOnly (generators drop readOnly properties from a webhook body, a request)', () => {
    const { schemas } = (openapiDocument as Json).components;
    const withoutReadOnly = (schema: Json) => ({
      ...schema,
      description: undefined,
      properties: Object.fromEntries(
        Object.entries<Json>(schema.properties).map(([name, { readOnly: _, ...property }]) => [name, property]),
      ),
    });
    expect(withoutReadOnly(schemas.WebhookEndUser)).toEqual(withoutReadOnly(schemas.EndUser));
    expect(Object.values<Json>(schemas.WebhookEndUser.properties).filter((property) => 'readOnly' in property)).toEqual([]);
    // The answers keep it where the caller cannot set a field.
    expect(Object.keys(schemas.EndUser.properties).filter((name) => schemas.EndUser.properties[name].readOnly)).toEqual([
      'end_user_id',
      'external_id',
      'created_at',
      'updated_at',
    ]);
    for (const event of ['EndUserCreatedEvent', 'EndUserUpdatedEvent']) {
      expect(schemas[event].properties.data).toEqual({ $ref: '#/components/schemas/WebhookEndUser' });
    }
  });
});

describe('the mock serves every operation', () => {
  const send = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(`${mockUrl()}${path}`, {
      method,
      headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json', ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const cases: Array<[string, () => Promise<Response>, number, string]> = [
    ['getEndUser', () => send('GET', '/v2/end-users/5f7e0e2c1e7c7e000f0f9c3a'), 200, '#/components/schemas/EndUser'],
    ['listEndUsers', () => send('GET', '/v2/end-users/?limit=100'), 200, '#/components/schemas/EndUsersPage'],
    [
      'listEndUsers, a lookup (Prefer: example=lookup)',
      () => send('GET', '/v2/end-users/?external_id=crm-contact-00123', undefined, { prefer: 'example=lookup' }),
      200,
      '#/components/schemas/EndUser',
    ],
    [
      'createEndUser (the existing end user)',
      () => send('POST', '/v2/end-users/', { external_id: 'crm-contact-00123' }),
      200,
      '#/components/schemas/EndUser',
    ],
    [
      'createEndUser (Prefer: code=201)',
      () => send('POST', '/v2/end-users/', {}, { prefer: 'code=201' }),
      201,
      '#/components/schemas/EndUser',
    ],
  ];
  it.each(cases)('%s', async (_name, request, status, schema) => {
    const response = await request();
    expect(response.status).toBe(status);
    expect(validateWithAjv(schema, await response.json())).toEqual({ ok: true });
  });

  it.each([
    ['limit=0', 'minimum'],
    ['limit=101', 'maximum'],
    [`external_id=${'x'.repeat(37)}`, 'maxLength'],
    ['external_id=a%3Cb', 'pattern'],
  ])('listEndUsers?%s: 400, naming the parameter and its rule', async (query, rule) => {
    const response = await send('GET', `/v2/end-users/?${query}`);
    expect(response.status).toBe(400);
    const [error] = ((await response.json()) as { errors: Array<{ details: Array<{ location: string; message: string }> }> }).errors;
    expect(error!.details).toEqual([expect.objectContaining({ location: 'query', message: expect.stringContaining(`(${rule})`) })]);
  });
});
