// swagger-typescript-api: its Api class over fetch, as a consumer writes it.
import { Api, type EndUserCreatedEvent, type EndUserUpdatedEvent, type UpdateEndUserRequest } from './generated-swagger-typescript-api/api';
import { BASE_URL, CREATED, readPayload, report, TOKEN, UPDATED } from './shared';

const api = new Api({
  baseUrl: BASE_URL,
  securityWorker: () => ({ headers: { Authorization: `Bearer ${TOKEN}` } }),
});
const list = await api.v2.listEndUsers({ limit: 2 });
const created = await api.v2.createEndUser({ profile: { first_name: 'Ada' } });
const got = await api.v2.getEndUser(created.data.end_user_id);
// @ts-expect-error swagger-typescript-api types SensitiveMetadata without its null (docs/generators.md): this fails once it keeps it.
const clearing: UpdateEndUserRequest = { profile: { sensitive_metadata: null } };
const updated = await api.v2.updateEndUser(got.data.end_user_id, { profile: { first_name: 'Ada', metadata: { plan: 'pro' } } });
const events = [CREATED as EndUserCreatedEvent, UPDATED as EndUserUpdatedEvent];
report({
  list: list.status,
  create: created.status,
  get: { status: got.status, endUserId: got.data.end_user_id },
  update: { status: updated.status, firstName: clearing && updated.data.profile.first_name },
  webhooks: events.map(readPayload),
});
