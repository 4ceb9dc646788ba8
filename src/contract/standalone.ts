// Validators written out ahead of time as one ES module (Ajv's standalone code), so that a runtime that
// forbids compiling code from strings (Cloudflare's workerd) can validate, and no process pays Ajv's
// compile on its first request. Not part of the root entry: the generator uses it at build time.
import standaloneCode from 'ajv/dist/standalone/index.js';
import { createAjv, SPEC_ID } from './validation.js';

// CommonJS with a default export; under NodeNext the default sits one level down.
type WriteStandalone = (ajv: ReturnType<typeof createAjv>, refs: Record<string, string>) => string;
const writeStandalone = ((standaloneCode as unknown as { default?: WriteStandalone }).default ??
  standaloneCode) as unknown as WriteStandalone;

/**
 * The validators of `pointers` (into the bundled spec) as ES module source, one named export per pointer
 * (`exports[i]` names the export of `pointers[i]`). It imports Ajv's runtime helpers, ajv-formats' formats
 * and the kit's rule checks (`KIT_RULE_CHECKS` from `keywordsModule`); it compiles nothing when it runs.
 */
export function standaloneValidators(pointers: readonly string[], keywordsModule: string): { source: string; exports: string[] } {
  const ajv = createAjv({ source: true, esm: true });
  const exports = pointers.map((_, index) => `validator${index}`);
  pointers.forEach((pointer, index) => {
    ajv.addSchema({ $id: exports[index], $ref: `${SPEC_ID}${pointer}` });
  });
  const code = writeStandalone(ajv, Object.fromEntries(exports.map((name) => [name, name])));
  // Ajv writes require() even for ES modules (ajv-validator/ajv#2509): each becomes an import of the
  // CommonJS file. Loaders disagree on what a default import of one is (Node: its module.exports; Babel's
  // interop, as in Vite and some bundlers: its exports.default), so a function is put back where
  // require() would have found it.
  const imports: string[] = [];
  const body = code.replace(/require\("([^"]+)"\)/g, (_call: string, module: string) => {
    const name = `required${imports.length}`;
    imports.push(
      `import ${name}$ from ${JSON.stringify(`${module}.js`)};`,
      `const ${name} = typeof ${name}$ === 'function' ? { default: ${name}$ } : ${name}$;`,
    );
    return name;
  });
  return {
    source: [`import { KIT_RULE_CHECKS as kitRules } from ${JSON.stringify(keywordsModule)};`, ...imports, body].join('\n'),
    exports,
  };
}
