// Responses of every operation, by documented status, and webhook payloads: valid values of their
// schemas, as a provider (or Ada) may send them, unknown fields included where the schema is open.
import type { Arbitrary } from 'fast-check';
import { operation, webhooks } from '../contract/operations.js';
import { nodeAt } from '../contract/spec.js';
import { type Schema, validValue } from './values.js';

/** Valid bodies of an operation's response with this status, as the spec documents it (`200`, `4XX`, `default`). */
export function arbitraryResponseBody(operationId: string, status: string): Arbitrary<unknown> {
  const documented = operation(operationId).responses[status];
  if (!documented) {
    const known = Object.keys(operation(operationId).responses).join(', ');
    throw new Error(`arbitraries: ${operationId} documents no response ${status}; it documents ${known}`);
  }
  if (!documented.schema) throw new Error(`arbitraries: ${operationId}'s response ${status} has no JSON body`);
  return validValue(nodeAt(documented.schema) as Schema);
}

/** Valid payloads of a webhook (by event type, e.g. `v1.end_user.created`). */
export function arbitraryWebhookPayload(event: string): Arbitrary<unknown> {
  const schema = webhooks[event]?.body?.schema;
  if (!schema) throw new Error(`arbitraries: the spec has no webhook "${event}"; it has ${Object.keys(webhooks).join(', ')}`);
  return validValue(nodeAt(schema) as Schema);
}
