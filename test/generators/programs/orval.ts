// orval: its fetch client (relative URLs, so the program's fetch resolves them against the base URL, as
// orval's docs suggest with a mutator) and its zod schemas checking each answer. orval writes no zod for
// webhooks: their payloads are parsed with its types.
import {
  createEndUser,
  type EndUserCreatedEvent,
  type EndUserUpdatedEvent,
  getEndUser,
  listEndUsers,
  updateEndUser,
} from './generated-orval/fetch';
import { GetEndUserResponse, UpdateEndUserBody } from './generated-orval/zod';
import { BASE_URL, CREATED, readPayload, report, TOKEN, UPDATED } from './shared';

const realFetch = globalThis.fetch;
globalThis.fetch = (input, init) =>
  realFetch(new URL(String(input), BASE_URL), {
    ...init,
    headers: { ...(init?.headers as Record<string, string>), Authorization: `Bearer ${TOKEN}` },
  });

const list = await listEndUsers({ limit: 2 });
const created = await createEndUser({ profile: { first_name: 'Ada' } });
const id = created.status === 200 || created.status === 201 ? created.data.end_user_id : '';
const got = await getEndUser(id);
const body = UpdateEndUserBody.parse({ profile: { first_name: 'Ada', metadata: { plan: 'pro' }, sensitive_metadata: null } });
const updated = await updateEndUser(id, body);
const events = [CREATED as EndUserCreatedEvent, UPDATED as EndUserUpdatedEvent];
report({
  list: list.status,
  create: created.status,
  get: { status: got.status, endUserId: got.status === 200 ? GetEndUserResponse.parse(got.data).end_user_id : undefined },
  update: { status: updated.status, firstName: updated.status === 200 ? updated.data.profile.first_name : undefined },
  webhooks: events.map(readPayload),
});
