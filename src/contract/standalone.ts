// Validators written out ahead of time as one ES module (Ajv's standalone code), so that a runtime that
// forbids compiling code from strings (Cloudflare's workerd) can validate, and no process pays Ajv's
// compile on its first request. Not part of the root entry: the generator writes generated/validators.js
// with it, from the fresh bundle (so check:generated compares what the spec now says).
import standaloneCode from 'ajv/dist/standalone/index.js';
import { createAjv, SPEC_ID } from './ajv.js';
import type { Json } from './json-pointer.js';

// CommonJS with a default export; under NodeNext the default sits one level down.
type WriteStandalone = (ajv: ReturnType<typeof createAjv>, refs: Record<string, string>) => string;
const writeStandalone = ((standaloneCode as unknown as { default?: WriteStandalone }).default ??
  standaloneCode) as unknown as WriteStandalone;

/**
 * The validators of `pointers` into `document`, as ES module source whose export `validators` maps each
 * pointer to its validator. It imports Ajv's runtime helpers, ajv-formats' formats and the kit's rule
 * checks (`KIT_RULE_CHECKS` from `keywordsModule`); it compiles nothing when it runs.
 */
export function standaloneValidators(document: Json, pointers: readonly string[], keywordsModule: string): string {
  const ajv = createAjv(document, { source: true, esm: true });
  const names = pointers.map((_, index) => `validator${index}`);
  pointers.forEach((pointer, index) => {
    ajv.addSchema({ $id: names[index], $ref: `${SPEC_ID}${pointer}` });
  });
  const code = writeStandalone(ajv, Object.fromEntries(names.map((name) => [name, name])));
  // Ajv writes require() even for ES modules (ajv-validator/ajv#2509): each becomes an import of the
  // CommonJS file. Loaders disagree on what a default import of one is (Node: its module.exports; Babel's
  // interop, as in Vite and some bundlers: its exports.default), so a function is put back where
  // require() would have found it.
  const modules = new Map<string, string>();
  const body = code.replace(/require\("([^"]+)"\)/g, (_call: string, module: string) => {
    if (!modules.has(module)) modules.set(module, `required${modules.size}`);
    return modules.get(module)!;
  });
  const imports = [...modules].flatMap(([module, name]) => [
    `import ${name}$ from ${JSON.stringify(`${module}.js`)};`,
    `const ${name} = typeof ${name}$ === 'function' ? { default: ${name}$ } : ${name}$;`,
  ]);
  const table = pointers.map((pointer, index) => `  ${JSON.stringify(pointer)}: ${names[index]},`);
  return [
    `import { KIT_RULE_CHECKS as kitRules } from ${JSON.stringify(keywordsModule)};`,
    ...imports,
    body,
    'export const validators = {',
    ...table,
    '};',
    '',
  ].join('\n');
}
