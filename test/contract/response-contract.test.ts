// The response side: the tolerant-reader 200 schema, the write-only guarantee for sensitive_metadata,
// every named example in the spec, and every documented error status as served by the mock.
import { describe, expect, it } from 'vitest';
import { AdaApiError } from '../../src/client/errors.js';
import { derefNode, openapiDocument } from '../../src/contract/spec.js';
import { validateEndUserResponse, validateErrorsResponse, validateUpdateEndUserRequest } from '../../src/contract/validation.js';
import { END_USER_ID, mockClient, seedRequest, seedResponse } from '../helpers/support.js';

const operation = openapiDocument.paths['/v2/end-users/{end_user_id}'].patch;
type ExampleName = keyof typeof openapiDocument.components.examples;
type ResponseName = keyof typeof openapiDocument.components.responses;

const refName = (ref: { $ref: string }) => ref.$ref.split('/').at(-1)!;
const errorStatuses = Object.keys(operation.responses).filter((status) => /^[45]\d\d$/.test(status));

/** [status, response component] for every error response the operation lists, including default. */
const errorResponses = Object.entries(operation.responses)
  .filter(([status]) => status !== '200')
  .map(([status, ref]) => [status, openapiDocument.components.responses[refName(ref as { $ref: string }) as ResponseName]] as const);

describe('the seed exchange against the mock', () => {
  it('the seed request returns 200 and a body that validates against the response schema', async () => {
    const user = await mockClient().updateEndUser(END_USER_ID, seedRequest() as never);
    expect(validateEndUserResponse(user)).toEqual({ ok: true });
    expect(user).toEqual(seedResponse());
  });

  it('the mock never echoes sensitive_metadata', async () => {
    const user = await mockClient().updateEndUser(END_USER_ID, seedRequest() as never);
    expect(user.profile).not.toHaveProperty('sensitive_metadata');
  });
});

describe('response schema', () => {
  it('rejects the seed response with profile.sensitive_metadata added (write-only, never returned)', () => {
    const body = seedResponse();
    body.profile.sensitive_metadata = { fields: { auth_token: 'x' } };
    expect(validateEndUserResponse(body)).toEqual({
      ok: false,
      errors: [{ path: '/profile/sensitive_metadata', message: 'must not be present', keyword: 'not' }],
    });
  });

  it('rejects sensitive_metadata even when it is null', () => {
    const body = seedResponse();
    body.profile.sensitive_metadata = null;
    expect(validateEndUserResponse(body).ok).toBe(false);
  });

  it('tolerates properties Ada may add later, at the top level and in the profile', () => {
    const body = seedResponse();
    body.channel = 'web';
    body.profile.new_field = { any: 'thing' };
    body.profile.system_properties.new_system_key = 1;
    expect(validateEndUserResponse(body)).toEqual({ ok: true });
  });

  it.each(['end_user_id', 'profile', 'created_at', 'updated_at'])('requires %s', (field) => {
    const body = seedResponse();
    delete body[field];
    expect(validateEndUserResponse(body)).toEqual({
      ok: false,
      errors: [{ path: `/${field}`, message: 'is required', keyword: 'required' }],
    });
  });

  it('accepts external_id absent (as in the seed), null, or a string', () => {
    for (const externalId of [undefined, null, 'crm-1']) {
      const body = { ...seedResponse(), ...(externalId === undefined ? {} : { external_id: externalId }) };
      expect(validateEndUserResponse(body)).toEqual({ ok: true });
    }
  });

  it('requires RFC 3339 timestamps', () => {
    const body = seedResponse();
    body.updated_at = '2020-09-20 00:00';
    expect(validateEndUserResponse(body)).toMatchObject({ ok: false, errors: [{ path: '/updated_at' }] });
  });

  it('holds metadata values to string, boolean or integer', () => {
    const body = seedResponse();
    body.profile.metadata.ratio = 0.5;
    expect(validateEndUserResponse(body)).toMatchObject({ ok: false, errors: [{ path: '/profile/metadata/ratio' }] });
  });

  it('error bodies need errors[] with type and message', () => {
    expect(validateErrorsResponse({ errors: [{ type: 't', message: 'm', details: null }] })).toEqual({ ok: true });
    expect(
      validateErrorsResponse({ errors: [{ type: 't', message: 'm', details: [{ parameter: 'p', location: 'body', message: 'x' }] }] }),
    ).toEqual({ ok: true });
    expect(validateErrorsResponse({ error: 'nope' })).toEqual({
      ok: false,
      errors: [{ path: '/errors', message: 'is required', keyword: 'required' }],
    });
    expect(validateErrorsResponse({ errors: [{ message: 'm' }] })).toEqual({
      ok: false,
      errors: [{ path: '/errors/0/type', message: 'is required', keyword: 'required' }],
    });
    expect(validateErrorsResponse({ errors: [{ type: 't', message: 'm', details: 3 }] })).toMatchObject({
      ok: false,
      errors: [{ path: '/errors/0/details' }],
    });
  });
});

describe('every example in the spec validates against its schema', () => {
  const requestExamples = Object.entries(operation.requestBody.content['application/json'].examples);
  it.each(requestExamples)('request example %s', (_name, ref) => {
    const { value } = openapiDocument.components.examples[refName(ref) as ExampleName];
    expect(validateUpdateEndUserRequest(value)).toEqual({ ok: true });
  });

  const okExamples = Object.entries(operation.responses['200'].content['application/json'].examples);
  it.each(okExamples)('200 example %s', (_name, ref) => {
    const { value } = openapiDocument.components.examples[refName(ref) as ExampleName];
    expect(validateEndUserResponse(value)).toEqual({ ok: true });
  });

  const errorExamples = errorResponses.flatMap(([status, response]) =>
    Object.entries(response.content['application/json'].examples).map(([name, example]) => [status, name, example.value] as const),
  );
  it.each(errorExamples)('%s example %s', (_status, _name, value) => {
    expect(validateErrorsResponse(value)).toEqual({ ok: true });
  });

  it('every schema-level example too', async () => {
    const { validateWithAjv } = await import('../../src/contract/ajv.js');
    const schemas = Object.entries(openapiDocument.components.schemas as Record<string, { examples?: unknown[] }>);
    const withExamples = schemas.filter(([, schema]) => schema.examples);
    expect(withExamples.length).toBeGreaterThan(5);
    for (const [name, schema] of withExamples) {
      for (const example of schema.examples!) {
        expect([name, validateWithAjv(`#/components/schemas/${name}`, example)]).toEqual([name, { ok: true }]);
      }
    }
  });

  it('lists at least one named example per response and three for the request', () => {
    expect(requestExamples.length).toBeGreaterThanOrEqual(3);
    for (const [, response] of errorResponses) {
      expect(Object.keys(response.content['application/json'].examples).length).toBeGreaterThan(0);
    }
  });
});

describe('error responses from the mock (Prefer: code=N)', () => {
  it('the spec lists 400, 401, 404, 409, 429 and 500, as Ada documents', () => {
    expect(errorStatuses).toEqual(['400', '401', '404', '409', '429', '500']);
  });

  it('every error status, default included, shares the one Errors schema that validateErrorsResponse uses', () => {
    const responses: Record<string, unknown> = operation.responses;
    const schemaAt = (status: string) => derefNode(responses[status]).content['application/json'].schema;
    for (const status of [...errorStatuses, 'default']) {
      expect([status, schemaAt(status)]).toEqual([status, { $ref: '#/components/schemas/Errors' }]);
    }
  });

  it.each(errorStatuses)('%s yields an AdaApiError with that status and parsed errors', async (status) => {
    const error = await mockClient({ maxRetries: 0 })
      .updateEndUser(END_USER_ID, seedRequest() as never, { headers: { Prefer: `code=${status}` } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AdaApiError);
    const apiError = error as AdaApiError;
    expect(apiError.status).toBe(Number(status));
    expect(apiError.errors.length).toBeGreaterThan(0);
    expect(validateErrorsResponse({ errors: apiError.errors })).toEqual({ ok: true });
    expect(apiError.message).toBe(`Ada API responded ${status}: ${apiError.errors[0]!.message}`);
  });

  const namedErrorExamples = errorResponses
    .filter(([status]) => status !== 'default')
    .flatMap(([status, response]) =>
      Object.entries(response.content['application/json'].examples).map(([name, example]) => [status, name, example.value] as const),
    );
  it.each(namedErrorExamples)('%s example %s is served as written', async (status, name, value) => {
    const error = await mockClient({ maxRetries: 0 })
      .updateEndUser(END_USER_ID, seedRequest() as never, { headers: { Prefer: `code=${status}, example=${name}` } })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: Number(status), errors: value.errors });
  });
});
