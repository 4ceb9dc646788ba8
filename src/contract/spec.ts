// The bundled spec, and JSON pointers into it. Everything at runtime (validators, client, mock) reads the
// spec from here instead of restating it. A JSON import, not a file read: a bundle of the root entry
// (esbuild, webpack, a Worker) carries it, and no runtime needs a file system for it. The build copies
// it to dist/generated/openapi.json, the one copy the package ships (its `./openapi.json` export).
import bundled from '../../generated/openapi.json' with { type: 'json' };
import { type Json, pointerGet, refChain } from './json-pointer.js';

type BundledSpec = typeof bundled;
export const openapiDocument: BundledSpec = bundled;

/** Local pointers into one document: the bundled spec's below, and a fresh bundle's for the generator. */
export interface SpecReader {
  document: Json;
  /** The node a local JSON pointer (`#/components/schemas/EndUser`) designates. */
  nodeAt(pointer: string): unknown;
  /** A node with its local `$ref`s followed to the end. */
  derefNode(node: Json): Json;
  /** The pointer itself, or where its `$ref`s lead. */
  followRefs(pointer: string): string;
}

export function specReader(document: Json): SpecReader {
  const nodeAt = (pointer: string): unknown => {
    if (!pointer.startsWith('#/')) throw new Error(`nodeAt: only local pointers are supported, got ${pointer}`);
    return pointerGet(document, pointer);
  };
  return {
    document,
    nodeAt,
    derefNode: (node) => refChain(document, node, '').at(-1)!.node,
    followRefs: (pointer) => refChain(document, nodeAt(pointer), pointer).at(-1)!.at,
  };
}

/** The bundled spec's reader: the committed generated/openapi.json. */
export const bundledSpec: SpecReader = specReader(openapiDocument);
export const { nodeAt, derefNode, followRefs } = bundledSpec;
