// The kit's Ajv (JSON Schema 2020-12, the dialect of OpenAPI 3.1), compiling validators from a spec at
// run time. The root entry does not load it: the generator writes the operations' validators out ahead of
// time with it (standalone.ts -> generated/validators.js); the testing tools and tests use it for any
// other schema of the spec. No schema is restated here: the validators $ref into the spec itself.
import { _, Ajv2020, type Code, type CodeKeywordDefinition, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { ValidationResult } from './issues.js';
import type { Json } from './json-pointer.js';
import { KIT_SCHEMA_KEYWORDS, type KitKeyword } from './keywords.js';
import { verdictOf } from './messages.js';
import { openapiDocument } from './spec.js';

/** The spec's id in Ajv: validators name their schema `${SPEC_ID}#/pointer`. */
export const SPEC_ID = 'ada-end-users.openapi.json';

// ajv-formats is CommonJS with a default export; under NodeNext the default sits one level down.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (
  ajv: Ajv2020,
) => Ajv2020;

/**
 * The kit's Ajv: the spec's dialect, its formats, the kit's keywords and the whole of `document` (the
 * bundled spec unless given). `code` is Ajv's code option (standalone.ts asks for source to write out).
 */
export function createAjv(document: Json = openapiDocument, code?: { source: true; esm: true }): Ajv2020 {
  const ajv = new Ajv2020({
    ...(code ? { code } : {}),
    allErrors: true,
    strict: true,
    allowUnionTypes: true, // type arrays such as [string, 'null'] are how OpenAPI 3.1 spells nullable
    verbose: true, // errors carry their schema, for messages such as x-pattern-message
    strictRequired: false, // `not: {required: [sensitive_metadata]}` names a property on purpose
  });
  addFormats(ajv);
  // The kit's own keywords (keywords.ts): rules report their violations, annotations are known and inert.
  for (const [keyword, { schemaType, violations }] of Object.entries(KIT_SCHEMA_KEYWORDS)) {
    ajv.addKeyword(violations ? kitRule(keyword, schemaType, violations) : { keyword, schemaType });
  }
  // The whole document is added as one schema resource so that the spec's own $refs resolve as they
  // do for Prism; its top-level fields (openapi, info, paths, ...) are declared as inert keywords.
  ajv.addVocabulary(Object.keys(document));
  ajv.addSchema(document, SPEC_ID);
  return ajv;
}

/**
 * A kit rule as Ajv code (not a validate function, which Ajv cannot write out as standalone code): call
 * the rule's `violations` and report each as one error whose params are that violation.
 */
function kitRule(
  keyword: string,
  schemaType: KitKeyword['schemaType'],
  violations: NonNullable<KitKeyword['violations']>,
): CodeKeywordDefinition {
  return {
    keyword,
    schemaType,
    code(cxt) {
      const { gen, data, schemaCode } = cxt;
      // `code`: how standalone code names it (standalone.ts imports KIT_RULE_CHECKS as kitRules).
      const check = gen.scopeValue('func', { ref: violations, code: _`kitRules[${keyword}]` });
      const found = gen.const('violations', _`${check}(${schemaCode}, ${data})`);
      gen.forOf('violation', found, (violation) => {
        cxt.setParams({ violation });
        cxt.error();
      });
    },
    error: { message: `must keep ${keyword}`, params: ({ params }) => params.violation as Code },
  };
}

let ajv: Ajv2020 | undefined;
const compiled = new Map<string, ValidateFunction>();

/** Ajv's validator for the schema at a pointer of the bundled spec: compiled on first use, once per pointer. */
export function compiledValidator(pointer: string): ValidateFunction {
  let validate = compiled.get(pointer);
  if (!validate) {
    ajv ??= createAjv();
    validate = ajv.compile({ $ref: `${SPEC_ID}${pointer}` });
    compiled.set(pointer, validate);
  }
  return validate;
}

/**
 * Validates a value against any schema of the bundled spec (`#/components/schemas/...`), as the kit
 * reports it; the operations' own schemas have validators written out (validation.ts).
 */
export function validateWithAjv(pointer: string, value: unknown): ValidationResult {
  return verdictOf(compiledValidator(pointer), value);
}
