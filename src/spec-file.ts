// Where the bundled spec lives, for tools that take a file (Prism). Kept apart from spec.ts so that the
// public declarations never import the JSON module (consumers would need resolveJsonModule for it).
export const bundledSpecPath = new URL('../generated/openapi.json', import.meta.url);
