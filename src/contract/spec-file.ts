// Where the bundled spec lives as a file, for tools that take one (Prism): generated/openapi.json next to
// this module's folder's parent, in this repository (src/contract/ -> generated/) and in the package
// (dist/src/contract/ -> dist/generated/, where the build puts the copy spec.ts imports) alike.
// Kept apart from spec.ts so that the public declarations never import the JSON module.
// A runtime without files may give modules no URL (workerd's import.meta.url is undefined): importing the
// root entry must not fail there, where no tool could read the file anyway.
export const bundledSpecPath: URL = new URL('../../generated/openapi.json', import.meta.url ?? 'file:///');
