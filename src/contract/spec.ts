// The bundled spec, and JSON pointers into it. Everything at runtime (validators, client, mock) reads the
// spec from here instead of restating it. It is read from generated/openapi.json at run time (typed by
// that file), so that the package ships it once: a JSON import would have tsc copy it into dist/ too.
import { readFileSync } from 'node:fs';
import { escapePointerSegment, type Json, pointerGet, refChain } from './json-pointer.js';
import { bundledSpecPath } from './spec-file.js';

type BundledSpec = typeof import('../../generated/openapi.json');
export const openapiDocument: BundledSpec = JSON.parse(readFileSync(bundledSpecPath, 'utf8'));

export { bundledSpecPath } from './spec-file.js';

export const UPDATE_END_USER_PATH = '/v2/end-users/{end_user_id}' as const;

export { escapePointerSegment, unescapePointerSegment } from './json-pointer.js';

/** The node a local JSON pointer (`#/components/schemas/EndUser`) designates in the bundled spec. */
export function nodeAt(pointer: string): unknown {
  if (!pointer.startsWith('#/')) throw new Error(`nodeAt: only local pointers are supported, got ${pointer}`);
  return pointerGet(openapiDocument, pointer);
}

/** A node of the bundled spec with its local `$ref`s followed to the end. */
export function derefNode(node: Json): Json {
  return refChain(openapiDocument, node, '').at(-1)!.node;
}

/**
 * The JSON pointer reached by walking `segments` from the document root, following local `$ref`s
 * met on the way (e.g. a response that is `$ref: '#/components/responses/Conflict'`). Ajv resolves
 * $refs inside schemas, but not in the OpenAPI objects around them.
 */
export function resolvePointer(...segments: string[]): string {
  let pointer: string[] = [];
  let node: unknown = openapiDocument;
  const follow = () => {
    const ref = (node as { $ref?: unknown } | null)?.$ref;
    if (typeof ref !== 'string') return false;
    node = nodeAt(ref);
    pointer = ref.slice(2).split('/');
    return true;
  };
  for (const segment of segments) {
    while (follow());
    node = (node as Record<string, unknown> | undefined)?.[segment];
    if (node === undefined) throw new Error(`resolvePointer: nothing at ${[...pointer, segment].join('/')}`);
    pointer.push(escapePointerSegment(segment));
  }
  return `#/${pointer.join('/')}`;
}

const operation = ['paths', UPDATE_END_USER_PATH, 'patch'];
const json = ['content', 'application/json', 'schema'];

/** The pointer itself, or where its `$ref`s lead. */
export function followRefs(pointer: string): string {
  return refChain(openapiDocument, nodeAt(pointer), pointer).at(-1)!.at;
}

/** Where the operation's parameters live (Parameter objects, `$ref`s followed), by name. */
export const parameterPointers = {
  endUserId: followRefs(resolvePointer('paths', UPDATE_END_USER_PATH, 'parameters', '0')),
} as const;

/** Where the operation's request and response schemas live in the bundled spec. */
export const schemaPointers = {
  updateEndUserRequest: resolvePointer(...operation, 'requestBody', ...json),
  endUserResponse: resolvePointer(...operation, 'responses', '200', ...json),
  errorsResponse: resolvePointer(...operation, 'responses', 'default', ...json),
} as const;
