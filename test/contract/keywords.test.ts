// The keyword registry (src/contract/keywords.ts) against the spec and redocly.yaml: every key of every
// schema, operation and the root is one it classifies; no rule it names is one Prism ignores; and Ada's
// limits are read from the spec, where the breaking-change checker judges them too.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { compareSpecs } from '../../src/breaking/index.js';
import type { Json } from '../../src/contract/json-pointer.js';
import {
  EXCLUSIVE_GROUPS_KEYWORD,
  IDEMPOTENT_WHEN_KEYWORD,
  KIT_SCHEMA_KEYWORDS,
  MAX_BODY_BYTES_KEYWORD,
  SCHEMA_ANNOTATIONS,
  SCHEMA_RULES,
  SCHEMA_STRUCTURE,
  utf8ByteLength,
} from '../../src/contract/keywords.js';
import { bodyLimit, metadataLimit } from '../../src/contract/limits.js';
import { operations, sendingTwiceIsSafe } from '../../src/contract/operations.js';
import { openapiDocument } from '../../src/contract/spec.js';
import { FC_NUM_RUNS, FC_SEED } from '../helpers/support.js';
import { validateRequestBody } from '../../src/contract/validation.js';

const root = join(import.meta.dirname, '..', '..');
const spec = openapiDocument as Json;

/** Every schema object of the spec (components, parameters, media types), nested ones included, with its pointer. */
function schemas(): [string, Json][] {
  const found: [string, Json][] = [];
  const visitSchema = (at: string, schema: Json) => {
    if (schema === null || typeof schema !== 'object') return;
    found.push([at, schema]);
    for (const key of ['items', 'additionalProperties', 'propertyNames', 'not'])
      if (key in schema) visitSchema(`${at}/${key}`, schema[key]);
    for (const key of ['oneOf', 'anyOf', 'allOf'])
      (schema[key] ?? []).forEach((s: Json, i: number) => {
        visitSchema(`${at}/${key}/${i}`, s);
      });
    for (const [name, s] of Object.entries<Json>(schema.properties ?? {})) visitSchema(`${at}/properties/${name}`, s);
  };
  const walk = (at: string, node: Json) => {
    if (node === null || typeof node !== 'object') return;
    for (const [key, value] of Object.entries<Json>(node)) {
      if (key === 'schema') visitSchema(`${at}/schema`, value);
      else if (key !== 'examples' && key !== 'example') walk(`${at}/${key}`, value);
    }
  };
  for (const [name, schema] of Object.entries<Json>(spec.components.schemas)) visitSchema(`#/components/schemas/${name}`, schema);
  walk('#', { paths: spec.paths, webhooks: spec.webhooks, components: { ...spec.components, schemas: {} } });
  return found;
}

describe('the keyword registry and the spec', () => {
  it('finds the spec’s schemas, the kit’s own keywords among them', () => {
    const all = schemas();
    expect(all.length).toBeGreaterThan(30);
    expect(all.some(([, s]) => 'x-max-json-bytes' in s)).toBe(true);
    expect(all.some(([, s]) => 'x-disjoint-keys' in s)).toBe(true);
  });

  it('every key of every schema is a rule, an annotation or a $ref the registry names', () => {
    const known = new Set([...SCHEMA_RULES, ...SCHEMA_ANNOTATIONS, ...SCHEMA_STRUCTURE]);
    const unknown = schemas().flatMap(([at, s]) =>
      Object.keys(s)
        .filter((key) => !known.has(key))
        .map((key) => `${at}/${key}`),
    );
    expect(unknown).toEqual([]);
  });

  it('every x- key of the spec is one of the kit’s, at the place the registry gives it', () => {
    const found: string[] = [];
    const walk = (at: string, node: Json) => {
      if (node === null || typeof node !== 'object') return;
      for (const [key, value] of Object.entries<Json>(node)) {
        if (key.startsWith('x-')) found.push(`${at.replace(/\/(properties|schemas|paths|webhooks)\/[^/]+/g, '/$1/*')}|${key}`);
        if (key !== 'examples' && key !== 'example') walk(`${at}/${key}`, value);
      }
    };
    walk('#', spec);
    const places = new Set(found.map((entry) => entry.split('|')[1]));
    const allowed = new Set([
      ...Object.keys(KIT_SCHEMA_KEYWORDS),
      EXCLUSIVE_GROUPS_KEYWORD,
      IDEMPOTENT_WHEN_KEYWORD,
      MAX_BODY_BYTES_KEYWORD,
    ]);
    expect([...places].filter((key) => !allowed.has(key!))).toEqual([]);
    expect(found).toContain(`#|${MAX_BODY_BYTES_KEYWORD}`);
  });

  it('no rule the registry names is a keyword redocly.yaml forbids because Prism ignores it', () => {
    const config = parse(readFileSync(join(root, 'redocly.yaml'), 'utf8'));
    const ignored: string[] = config.rules['rule/no-keywords-prism-ignores'].subject.property;
    expect(ignored).toContain('unevaluatedProperties');
    expect(SCHEMA_RULES.filter((keyword) => ignored.includes(keyword))).toEqual([]);
  });

  it('each kit rule has its violations (the validators’ code calls them) and its wording; each annotation has neither', () => {
    for (const [keyword, definition] of Object.entries(KIT_SCHEMA_KEYWORDS)) {
      const rule = definition.kind === 'rule';
      expect([keyword, typeof definition.violations === 'function', typeof definition.issue === 'function']).toEqual([keyword, rule, rule]);
      expect([keyword, rule ? SCHEMA_RULES : SCHEMA_ANNOTATIONS]).toEqual([keyword, expect.arrayContaining([keyword])]);
    }
  });
});

describe('Ada’s limits, from the spec', () => {
  it('the body limit and the metadata limit are the spec’s, with Ada’s words', () => {
    expect(bodyLimit).toEqual({ bytes: spec[MAX_BODY_BYTES_KEYWORD], message: 'Request body exceeds 10 MB.' });
    expect(bodyLimit.bytes).toBe(10 * 1024 * 1024);
    expect(metadataLimit).toEqual({ bytes: 10_240, message: 'Metadata exceeds the maximum size of 10 KB.' });
  });

  it('the validators enforce the metadata limit the spec states', () => {
    const metadata = (bytes: number) => ({ profile: { metadata: { k: 'x'.repeat(bytes - '{"k":""}'.length) } } });
    expect(validateRequestBody('updateEndUser', metadata(metadataLimit.bytes)).ok).toBe(true);
    expect(validateRequestBody('updateEndUser', metadata(metadataLimit.bytes + 1))).toMatchObject({
      ok: false,
      errors: [{ path: '/profile/metadata', keyword: 'x-max-json-bytes' }],
    });
  });

  it('the breaking-change checker judges the body limit: smaller breaks requests, larger is safe; Ada’s messages may change', () => {
    const withLimit = (bytes: number) => ({ ...structuredClone(spec), [MAX_BODY_BYTES_KEYWORD]: bytes });
    const smaller = compareSpecs(spec, withLimit(1024));
    expect(smaller).toEqual({
      changes: [{ where: '(every request)', what: `${MAX_BODY_BYTES_KEYWORD} ${bodyLimit.bytes} → 1024`, breaking: true }],
      cannotJudge: [],
    });
    expect(compareSpecs(spec, withLimit(bodyLimit.bytes * 2))).toMatchObject({ changes: [{ breaking: false }], cannotJudge: [] });
    const reworded = structuredClone(spec);
    reworded.components.schemas.Metadata['x-max-json-bytes-message'] = 'Metadata is too large.';
    expect(compareSpecs(spec, reworded)).toEqual({ changes: [], cannotJudge: [] });
  });
});

describe('which calls may be sent twice, from the spec', () => {
  it('every method but POST; a POST where its x-idempotent-when field is a non-empty string (Ada’s upsert by external_id)', () => {
    expect(Object.fromEntries(Object.values(operations).map((op) => [op.operationId, op.idempotent]))).toEqual({
      getEndUser: true,
      updateEndUser: true,
      listEndUsers: true,
      createEndUser: { whenBodyHas: '/external_id' },
    });
    expect(sendingTwiceIsSafe('createEndUser', { external_id: 'crm-1' })).toBe(true);
    for (const body of [{}, { external_id: '' }, { external_id: null }, undefined])
      expect(sendingTwiceIsSafe('createEndUser', body)).toBe(false);
  });

  it('the breaking-change checker lets x-idempotent-when change (it steers retries, never validity)', () => {
    const changed = structuredClone(spec);
    delete changed.paths['/v2/end-users/'].post[IDEMPOTENT_WHEN_KEYWORD];
    expect(compareSpecs(spec, changed)).toEqual({ changes: [], cannotJudge: [] });
  });
});

describe('utf8ByteLength, how Ada\u2019s size limits are measured on every runtime', () => {
  it('counts what TextEncoder counts (the path of runtimes without Buffer), for any text, lone surrogates included', () => {
    const encoder = new TextEncoder();
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => utf8ByteLength(text) === encoder.encode(text).length),
      { numRuns: FC_NUM_RUNS, seed: FC_SEED },
    );
  });
});
