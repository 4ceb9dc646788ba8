// Request bodies of an operation, valid and invalid (one broken rule each), from its JSON schema.
import type { Arbitrary } from 'fast-check';
import { fc } from './fast-check.js';
import { operation } from '../contract/operations.js';
import { nodeAt } from '../contract/spec.js';
import { type InvalidBody, type InvalidCase, invalidCases, mapCase, type Schema, validValue } from './values.js';

/** The JSON request body schema of an operation of the spec. */
function requestSchema(operationId: string): Schema {
  const pointer = operation(operationId).body?.schema;
  if (!pointer) throw new Error(`arbitraries: ${operationId} takes no JSON body`);
  return nodeAt(pointer) as Schema;
}

/** Valid request bodies of an operation (by operationId): every property, nulls, boundary lengths, Unicode, limits. */
export function arbitraryRequestBody(operationId: string): Arbitrary<Record<string, unknown>> {
  return validValue(requestSchema(operationId)) as Arbitrary<Record<string, unknown>>;
}

/** Every rule an operation's request body schema encodes (the kit's rules too), each with bodies that break only it. */
export function invalidRequestBodyCases(operationId: string): InvalidCase[] {
  return invalidCases(requestSchema(operationId), '', '').map((c) =>
    mapCase(c, (values) => values.map(({ value, rule }) => ({ body: value, rule }))),
  );
}

/** Invalid request bodies of an operation, each breaking exactly one rule, named in `rule`. */
export function arbitraryInvalidRequestBody(operationId: string): Arbitrary<InvalidBody> {
  return fc.oneof(...invalidRequestBodyCases(operationId).map(({ arbitrary }) => arbitrary));
}

/** Valid `updateEndUser` bodies: every property, nulls, boundary lengths, Unicode, metadata near 10 KB. */
export function arbitraryUpdateEndUserRequest(): Arbitrary<Record<string, unknown>> {
  return arbitraryRequestBody('updateEndUser');
}

/** Every rule the `updateEndUser` request schema encodes (plus the 10 KB rule), each with bodies that break only it. */
export function invalidUpdateEndUserRequestCases(): InvalidCase[] {
  return invalidRequestBodyCases('updateEndUser');
}

/** Invalid `updateEndUser` bodies, each breaking exactly one rule, named in `rule`. */
export function arbitraryInvalidUpdateEndUserRequest(): Arbitrary<InvalidBody> {
  return arbitraryInvalidRequestBody('updateEndUser');
}
