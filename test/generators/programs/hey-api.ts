// @hey-api/openapi-ts: its fetch client and SDK, and what it writes for receiving each webhook (the
// request's zod schema and payload type). zod strips what a schema does not name: a payload schema
// without the ids (hey-api drops readOnly properties from a request, which a delivery is) loses them here.
import { client } from './generated-hey-api/client.gen';
import { createEndUser, getEndUser, listEndUsers, updateEndUser } from './generated-hey-api/sdk.gen';
import type { EndUserCreatedWebhookWebhookPayload, EndUserUpdatedWebhookWebhookPayload } from './generated-hey-api/types.gen';
import { zEndUserCreatedWebhookWebhookRequest, zEndUserUpdatedWebhookWebhookRequest } from './generated-hey-api/zod.gen';
import { zEndUserCreatedWebhookWebhookRequest as zDefaultDates } from './generated-hey-api-default-dates/zod.gen';
import { BASE_URL, CREATED, DELIVERY_HEADERS, readPayload, report, TOKEN, UPDATED } from './shared';

client.setConfig({ baseUrl: BASE_URL, auth: () => TOKEN });
const list = await listEndUsers({ query: { limit: 2 } });
const created = await createEndUser({ body: { profile: { first_name: 'Ada' } } });
const id = created.data?.end_user_id ?? '';
const got = await getEndUser({ path: { end_user_id: id } });
const updated = await updateEndUser({
  path: { end_user_id: id },
  body: { profile: { first_name: 'Ada', metadata: { plan: 'pro' }, sensitive_metadata: null } },
});
const events: (EndUserCreatedWebhookWebhookPayload | EndUserUpdatedWebhookWebhookPayload)[] = [
  zEndUserCreatedWebhookWebhookRequest.parse({ body: CREATED, headers: DELIVERY_HEADERS }).body,
  zEndUserUpdatedWebhookWebhookRequest.parse({ body: UPDATED, headers: DELIVERY_HEADERS }).body,
];
// Without `dates: { offset: true }` the zod plugin refuses Ada's `+00:00` timestamps (docs/generators.md).
if (zDefaultDates.safeParse({ body: CREATED, headers: DELIVERY_HEADERS }).success) {
  throw new Error('hey-api’s default dates accept +00:00 now: update docs/generators.md');
}
report({
  // No response at all (a network error) leaves `response` undefined with throwOnError false, hey-api's default.
  list: list.response?.status ?? 0,
  create: created.response?.status ?? 0,
  get: { status: got.response?.status ?? 0, endUserId: got.data?.end_user_id },
  update: { status: updated.response?.status ?? 0, firstName: updated.data?.profile.first_name },
  webhooks: events.map(readPayload),
});
