// openapi-typescript's types (`paths`, `webhooks`) with openapi-fetch, as a consumer writes them.
import createClient from 'openapi-fetch';
import type { paths, webhooks } from './generated-openapi-typescript/schema';
import { BASE_URL, CREATED, readPayload, report, TOKEN, UPDATED } from './shared';

type Payload<Event extends keyof webhooks> = webhooks[Event]['post']['requestBody']['content']['application/json'];
type Event = Payload<'v1.end_user.created'> | Payload<'v1.end_user.updated'>;

const client = createClient<paths>({ baseUrl: BASE_URL, headers: { Authorization: `Bearer ${TOKEN}` } });
const list = await client.GET('/v2/end-users/', { params: { query: { limit: 2 } } });
const created = await client.POST('/v2/end-users/', { body: { profile: { first_name: 'Ada' } } });
const id = created.data?.end_user_id ?? '';
const got = await client.GET('/v2/end-users/{end_user_id}', { params: { path: { end_user_id: id } } });
const updated = await client.PATCH('/v2/end-users/{end_user_id}', {
  params: { path: { end_user_id: id } },
  body: { profile: { first_name: 'Ada', metadata: { plan: 'pro' }, sensitive_metadata: null } },
});
// Types only: a payload is what the verified body says it is.
const events = [CREATED, UPDATED] as Event[];
report({
  list: list.response.status,
  create: created.response.status,
  get: { status: got.response.status, endUserId: got.data?.end_user_id },
  update: { status: updated.response.status, firstName: updated.data?.profile.first_name },
  webhooks: events.map(readPayload),
});
