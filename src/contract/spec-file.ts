// Where the bundled spec lives, for tools that take a file (Prism) and for spec.ts: the package root's
// generated/openapi.json, whether this module runs from src/contract/ (this repository) or dist/src/contract/ (the package).
// Kept apart from spec.ts so that the public declarations never import the JSON module.
const fromDist = /\/dist\/src\/contract\/[^/]*$/.test(new URL(import.meta.url).pathname);
export const bundledSpecPath = new URL(fromDist ? '../../../generated/openapi.json' : '../../generated/openapi.json', import.meta.url);
