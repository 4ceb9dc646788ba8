// Ada's limits and her words for them, read from the spec (their one home): the body limit at the spec's
// root (`x-max-body-bytes`) with the 413's message, and the metadata limit (`x-max-json-bytes`) with
// Ada's message, on the Metadata schema. A spec without them fails here, at import, not at a request.
import { MAX_BODY_BYTES_KEYWORD } from './keywords.js';
import { type Json, pointerGet } from './json-pointer.js';
import { nodeAt, openapiDocument } from './spec.js';

function read<T extends number | string>(where: string, value: unknown, type: 'number' | 'string'): T {
  if (typeof value !== type) throw new Error(`the kit's spec has no ${type} at ${where}`);
  return value as T;
}

/** Ada's limit on a request body, in bytes, and her answer's message past it (413). */
export const bodyLimit: { readonly bytes: number; readonly message: string } = {
  bytes: read(`#/${MAX_BODY_BYTES_KEYWORD}`, (openapiDocument as Json)[MAX_BODY_BYTES_KEYWORD], 'number'),
  message: read(
    '#/components/responses/ContentTooLarge (its example’s message)',
    pointerGet(
      nodeAt('#/components/responses/ContentTooLarge'),
      '/content/application~1json/examples/contentTooLarge/value/errors/0/message',
    ),
    'string',
  ),
};

const metadata = nodeAt('#/components/schemas/Metadata') as Json;

/** Ada's limit on an end user's metadata, as JSON bytes, and her 400's message past it. */
export const metadataLimit: { readonly bytes: number; readonly message: string } = {
  bytes: read('#/components/schemas/Metadata/x-max-json-bytes', metadata?.['x-max-json-bytes'], 'number'),
  message: read('#/components/schemas/Metadata/x-max-json-bytes-message', metadata?.['x-max-json-bytes-message'], 'string'),
};
