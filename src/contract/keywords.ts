// Which keys of the spec are rules and which only document, and the kit's own `x-` keywords: one table,
// read by the validators (the Ajv definitions), the arbitraries (what they know), the breaking-change
// checker (what it judges, which way a bound tightens) and test/contract/keywords.test.ts (against redocly.yaml
// and every schema of the spec). A keyword none of them knows is refused or reported, never passed.
import { childPointer as child, type Json, pointerGet } from './json-pointer.js';

/** Keys that only document, on any object of the spec: they may change freely, and no validator reads them. */
export const ANNOTATIONS: readonly string[] = [
  'description',
  'summary',
  'title',
  'examples',
  'example',
  'externalDocs',
  'deprecated',
  '$comment',
];

/** A bound's direction: `max` tightens as it shrinks, `min` as it grows. */
export type BoundDirection = 'max' | 'min';

/** What the kit knows of a keyword of its own. */
export interface KitKeyword {
  /** The JSON type of the keyword's value in the spec. */
  schemaType: 'number' | 'array' | 'string';
  /** A rule (values are refused by it) or an annotation (it words or documents another rule). */
  kind: 'rule' | 'annotation';
  /** For a bound: which way it tightens. */
  bound?: BoundDirection;
  /**
   * For a rule: what breaks it in a value, one set of params per violation (none: the value keeps it).
   * Plain data in, plain data out: the validators call it from Ajv's generated code.
   */
  violations?: (schema: Json, data: unknown) => Record<string, unknown>[];
  /** For a rule: how its issue reads, from the params of one violation. */
  issue?: (params: Record<string, unknown>, path: string) => { path: string; message: string };
  /** Where Ada's own words for it live (the annotation that carries the message), if she has any. */
  messageKeyword?: string;
}

const encoder = new TextEncoder();

/**
 * UTF-8 length of a string: Node's and Bun's Buffer count it without copying (about twice as fast on
 * 10 KB of metadata); Deno, workerd and browsers have no Buffer, and TextEncoder counts the same bytes.
 */
export const utf8ByteLength: (text: string) => number =
  typeof globalThis.Buffer?.byteLength === 'function'
    ? (text) => globalThis.Buffer.byteLength(text, 'utf8')
    : (text) => encoder.encode(text).length;

/** UTF-8 length of the compact JSON serialization: how the kit measures Ada's size limits. */
export function jsonByteLength(value: unknown): number {
  if (value === null || value === undefined) return 0;
  return utf8ByteLength(JSON.stringify(value));
}

function maxJsonBytes(limit: number, data: unknown): Record<string, unknown>[] {
  let bytes: number;
  try {
    bytes = jsonByteLength(data);
  } catch {
    return []; // not JSON at all (a BigInt, a cycle): the type rules report the offending value
  }
  return bytes <= limit ? [] : [{ limit, bytes }];
}

/**
 * `x-disjoint-keys: [pointer, pointer, ...]`: the objects at these pointers (relative to the value)
 * share no key. Ada's rule for creating an end user: a key is a metadata key or a sensitive key, not both.
 */
function disjointKeys(pointers: string[], data: unknown): Record<string, unknown>[] {
  const lists = pointers.map((pointer) => {
    const value = pointerGet(data, pointer) as Record<string, unknown> | undefined;
    return { pointer, keys: value && typeof value === 'object' && !Array.isArray(value) ? Object.keys(value) : [] };
  });
  const found: Record<string, unknown>[] = [];
  lists.forEach(({ pointer, keys }, index) => {
    const earlier = lists.slice(0, index);
    for (const key of keys) {
      const other = earlier.find((list) => list.keys.includes(key));
      if (other) found.push({ at: pointer, key, other: other.pointer });
    }
  });
  return found;
}

/** The kit's schema keywords. */
export const KIT_SCHEMA_KEYWORDS: Readonly<Record<string, KitKeyword>> = {
  // Ada's 10 KB metadata limit: no JSON Schema keyword measures a value's size.
  'x-max-json-bytes': {
    schemaType: 'number',
    kind: 'rule',
    bound: 'max',
    violations: maxJsonBytes,
    issue: (params, path) => ({ path, message: `must be at most ${params.limit} bytes as JSON (is ${params.bytes})` }),
    messageKeyword: 'x-max-json-bytes-message',
  },
  'x-disjoint-keys': {
    schemaType: 'array',
    kind: 'rule',
    violations: disjointKeys,
    issue: (params, path) => ({
      path: child(`${path}${params.at}`, String(params.key)),
      message: `must not also be a key of ${path}${params.other}`,
    }),
  },
  // Words a pattern's error as Ada would (the pattern itself is the rule).
  'x-pattern-message': { schemaType: 'string', kind: 'annotation' },
  // Ada's message when a value is over its x-max-json-bytes (the store answers it; verify accepts it).
  'x-max-json-bytes-message': { schemaType: 'string', kind: 'annotation' },
};

/** Each kit rule's `violations`, by keyword: what validators written out ahead of time import and call. */
export const KIT_RULE_CHECKS: Readonly<Record<string, NonNullable<KitKeyword['violations']>>> = Object.fromEntries(
  Object.entries(KIT_SCHEMA_KEYWORDS).flatMap(([keyword, { violations }]) => (violations ? [[keyword, violations]] : [])),
);

/** The kit's keyword on an Operation object: parameters of different groups may not be sent together (a rule). */
export const EXCLUSIVE_GROUPS_KEYWORD = 'x-exclusive-parameter-groups';

/**
 * The kit's keyword on an Operation object: a JSON pointer into the request body; sending the request
 * twice is safe when the body holds a non-empty string there (Ada's create, an upsert by external_id).
 * An annotation for consumers' data (it changes which calls a client retries, never which are valid).
 */
export const IDEMPOTENT_WHEN_KEYWORD = 'x-idempotent-when';

/** Keys of an Operation object that only document or steer clients: they may change freely. */
export const OPERATION_ANNOTATIONS: readonly string[] = [...ANNOTATIONS, 'tags', IDEMPOTENT_WHEN_KEYWORD];

/** The kit's keyword at the spec's root: Ada's limit on a request body, in bytes (a bound, `max`). */
export const MAX_BODY_BYTES_KEYWORD = 'x-max-body-bytes';

/** Bounds, by the direction in which they tighten: JSON Schema's and the kit's. */
export const BOUNDS: Readonly<Record<BoundDirection, readonly string[]>> = {
  max: [
    'maxLength',
    'maxProperties',
    'maxItems',
    'maximum',
    'exclusiveMaximum',
    ...kitKeywords('rule').filter((k) => KIT_SCHEMA_KEYWORDS[k]!.bound === 'max'),
  ],
  min: [
    'minLength',
    'minProperties',
    'minItems',
    'minimum',
    'exclusiveMinimum',
    ...kitKeywords('rule').filter((k) => KIT_SCHEMA_KEYWORDS[k]!.bound === 'min'),
  ],
};

/** Schema keywords that are rules: a value may be refused by them. */
export const SCHEMA_RULES: readonly string[] = [
  'type',
  'enum',
  'const',
  'format',
  'pattern',
  ...BOUNDS.max,
  ...BOUNDS.min,
  'properties',
  'required',
  'additionalProperties',
  'items',
  'propertyNames',
  'not',
  'anyOf',
  'oneOf',
  'allOf',
  ...kitKeywords('rule').filter((k) => !KIT_SCHEMA_KEYWORDS[k]!.bound),
];

/** Schema keywords that change no value's validity. */
export const SCHEMA_ANNOTATIONS: readonly string[] = [...ANNOTATIONS, 'readOnly', 'writeOnly', ...kitKeywords('annotation')];

/** Structural keys of a schema: a reference, not a rule of its own. */
export const SCHEMA_STRUCTURE: readonly string[] = ['$ref'];

function kitKeywords(kind: KitKeyword['kind']): string[] {
  return Object.keys(KIT_SCHEMA_KEYWORDS).filter((keyword) => KIT_SCHEMA_KEYWORDS[keyword]!.kind === kind);
}
