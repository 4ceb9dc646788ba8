// Type-level contract: what the generated types let a consumer write, and what they refuse.
import { describe, expectTypeOf, it } from 'vitest';
import type { AdaClient, EndUser, UpdateEndUserRequest, components } from '../../src/index.js';
import type { openapiDocument } from '../../src/contract/spec.js';

describe('request type', () => {
  it('accepts the seed payload', () => {
    // The type of Ada's documented example as it sits in the bundled spec.
    type Seed = (typeof openapiDocument)['components']['examples']['UpdateEndUserSeedRequest']['value'];
    expectTypeOf<Seed>().toExtend<UpdateEndUserRequest>();
  });

  it('rejects {} (profile is required) and unknown keys in object literals', () => {
    // @ts-expect-error profile is required
    const empty: UpdateEndUserRequest = {};
    // @ts-expect-error firstName is not a profile property
    const typo: UpdateEndUserRequest = { profile: { firstName: 'Ada' } };
    // @ts-expect-error system_properties is read-only, not part of the request
    const readOnly: UpdateEndUserRequest = { profile: { system_properties: {} } };
    // @ts-expect-error metadata values are string | boolean | number, not objects
    const nested: UpdateEndUserRequest = { profile: { metadata: { a: { b: 1 } } } };
    void [empty, typo, readOnly, nested];
  });

  it('types external_id and the profile strings as string | null', () => {
    expectTypeOf<UpdateEndUserRequest['external_id']>().toEqualTypeOf<string | null | undefined>();
    expectTypeOf<NonNullable<UpdateEndUserRequest['profile']['email']>>().toEqualTypeOf<string>();
    expectTypeOf<UpdateEndUserRequest['profile']['email']>().toEqualTypeOf<string | null | undefined>();
  });
});

describe('response type', () => {
  it('has no sensitive_metadata', () => {
    expectTypeOf<EndUser['profile']>().not.toHaveProperty('sensitive_metadata');
    expectTypeOf<EndUser>().not.toHaveProperty('sensitive_metadata');
  });

  it('types external_id as string | null (and optional: Ada’s example omits it)', () => {
    expectTypeOf<EndUser['external_id']>().toEqualTypeOf<string | null | undefined>();
  });

  it('always has end_user_id, profile, created_at and updated_at', () => {
    expectTypeOf<EndUser['end_user_id']>().toEqualTypeOf<string>();
    expectTypeOf<EndUser['created_at']>().toEqualTypeOf<string>();
    expectTypeOf<EndUser['updated_at']>().toEqualTypeOf<string>();
    expectTypeOf<EndUser['profile']>().toEqualTypeOf<components['schemas']['EndUserProfile']>();
  });
});

describe('client', () => {
  it('takes the request type and resolves to the end user', () => {
    expectTypeOf<AdaClient['updateEndUser']>().parameter(1).toEqualTypeOf<UpdateEndUserRequest>();
    expectTypeOf<AdaClient['updateEndUser']>().returns.toEqualTypeOf<Promise<EndUser>>();
  });

  it('types the exposed openapi-fetch client from the spec', () => {
    type Patch = AdaClient['fetchClient']['PATCH'];
    expectTypeOf<Patch>().parameter(0).toEqualTypeOf<'/v2/end-users/{end_user_id}'>();
  });
});
