// The bundled spec, and JSON pointers into it. Everything at runtime (validators, client, mock) reads the
// spec from here instead of restating it. It is read from generated/openapi.json at run time (typed by
// that file), so that the package ships it once: a JSON import would have tsc copy it into dist/ too.
import { readFileSync } from 'node:fs';
import { type Json, pointerGet, refChain } from './json-pointer.js';
import { bundledSpecPath } from './spec-file.js';

type BundledSpec = typeof import('../../generated/openapi.json');
export const openapiDocument: BundledSpec = JSON.parse(readFileSync(bundledSpecPath, 'utf8'));

/** The node a local JSON pointer (`#/components/schemas/EndUser`) designates in the bundled spec. */
export function nodeAt(pointer: string): unknown {
  if (!pointer.startsWith('#/')) throw new Error(`nodeAt: only local pointers are supported, got ${pointer}`);
  return pointerGet(openapiDocument, pointer);
}

/** A node of the bundled spec with its local `$ref`s followed to the end. */
export function derefNode(node: Json): Json {
  return refChain(openapiDocument, node, '').at(-1)!.node;
}

/** The pointer itself, or where its `$ref`s lead. */
export function followRefs(pointer: string): string {
  return refChain(openapiDocument, nodeAt(pointer), pointer).at(-1)!.at;
}
