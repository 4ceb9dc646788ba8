// The bundled spec, and JSON pointers into it for the one operation the kit covers. Everything at
// runtime (validators, mock) reads the spec from here instead of restating it.
import openapiDocument from '../generated/openapi.json' with { type: 'json' };

export { openapiDocument };

/** Absolute path of the bundled spec next to this module, for tools that take a file (Prism). */
export const bundledSpecPath = new URL('../generated/openapi.json', import.meta.url);

export const UPDATE_END_USER_PATH = '/v2/end-users/{end_user_id}' as const;

/** RFC 6901 escaping of one pointer segment. */
export function escapePointerSegment(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

const operationPointer = `#/paths/${escapePointerSegment(UPDATE_END_USER_PATH)}/patch`;

/** Where the operation's request and response schemas live in the bundled spec. */
export const schemaPointers = {
  updateEndUserRequest: `${operationPointer}/requestBody/content/application~1json/schema`,
  endUserResponse: `${operationPointer}/responses/200/content/application~1json/schema`,
  errorsResponse: `${operationPointer}/responses/default/content/application~1json/schema`,
} as const;
