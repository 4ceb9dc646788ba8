// The bundled spec, and JSON pointers into it. Everything at runtime (validators, client, mock) reads the
// spec from here instead of restating it. A JSON import, not a file read: a bundle of the root entry
// (esbuild, webpack, a Worker) carries it, and no runtime needs a file system for it. The build copies
// it to dist/generated/openapi.json, the one copy the package ships (its `./openapi.json` export).
import bundled from '../../generated/openapi.json' with { type: 'json' };
import { type Json, pointerGet, refChain } from './json-pointer.js';

type BundledSpec = typeof bundled;
export const openapiDocument: BundledSpec = bundled;

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
