// The bundled spec, and JSON pointers into it. Everything at runtime (validators, client, mock) reads the
// spec from here instead of restating it. A JSON import, not a file read: a bundle of the root entry
// (esbuild, webpack, a Worker) carries it, and no runtime needs a file system for it. The build copies
// it to dist/generated/openapi.json, the one copy the package ships (its `./openapi.json` export).
// Modules whose declarations are public import SpecReader from json-pointer.ts, never this module's
// types: a declaration that imports the JSON would need `with { type: 'json' }` in every consumer.
import bundled from '../../generated/openapi.json' with { type: 'json' };
import { type SpecReader, specReader } from './json-pointer.js';

type BundledSpec = typeof bundled;
export const openapiDocument: BundledSpec = bundled;

/** The bundled spec's reader: the committed generated/openapi.json. */
export const bundledSpec: SpecReader = specReader(openapiDocument);
export const { nodeAt, derefNode, followRefs } = bundledSpec;
