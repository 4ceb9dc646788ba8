// What every generator's program shares: where the mock is, the token, the webhook payloads to parse
// (the spec's own examples, as Ada sends them), and how a program reports (one JSON line).
import payloads from './payloads.json' with { type: 'json' };

export const BASE_URL = process.env.ADA_BASE_URL ?? '';
export const TOKEN = process.env.ADA_TOKEN ?? '';
export const CREATED: unknown = JSON.parse(JSON.stringify(payloads.created));
export const UPDATED: unknown = JSON.parse(JSON.stringify(payloads.updated));
/** Headers as a delivery carries them (verifyWebhook checks the signature; here only their shape matters). */
export const DELIVERY_HEADERS = { 'svix-id': 'msg_generators_1', 'svix-timestamp': '1764504000', 'svix-signature': 'v1,c2lnbmF0dXJl' };

export interface Report {
  list: number;
  create: number;
  get: { status: number; endUserId: string | undefined };
  update: { status: number; firstName: string | null | undefined };
  webhooks: { type: string; endUserId: string; externalId: string | null | undefined; createdAt: string; updatedAt: string }[];
}

/**
 * What a program reads of a payload, through the generator's own type: a type that lost the ids or the
 * timestamps (as a readOnly-dropping generator's did) does not fit this parameter, and the program
 * fails to typecheck.
 */
export function readPayload(event: {
  type: string;
  data: { end_user_id: string; external_id?: string | null; created_at: string; updated_at: string };
}): Report['webhooks'][number] {
  const { type, data } = event;
  return { type, endUserId: data.end_user_id, externalId: data.external_id, createdAt: data.created_at, updatedAt: data.updated_at };
}

export function report(value: Report): void {
  console.log(JSON.stringify(value));
}
