// fast-check arbitraries derived from the bundled spec's schemas, not from a copy of them: a small
// interpreter of the JSON Schema keywords the spec uses (redocly.yaml forbids the ones Prism ignores).
// A keyword it does not know makes it throw, so a spec change cannot silently narrow what is generated.
// Valid values for any schema of the spec; values that break exactly one rule for request schemas
// (responses use `oneOf`, which has no single rule to break).
import type { Arbitrary } from 'fast-check';
import { fc } from './fast-check.js';
import {
  childPointer as child,
  escapePointerSegment,
  type Json,
  mergeRefChain,
  pointerGet,
  refChain,
  unescapePointerSegment,
} from '../contract/json-pointer.js';
import { openapiDocument } from '../contract/spec.js';
import { jsonByteLength, SCHEMA_ANNOTATIONS } from '../contract/keywords.js';

export type Schema = Record<string, Json>;
type JsonType = 'null' | 'boolean' | 'integer' | 'number' | 'string' | 'object' | 'array';

/** The one rule an invalid body breaks: where (JSON pointer) and which schema keyword. */
export interface BrokenRule {
  path: string;
  keyword: string;
  /** For a parameter: where it goes (its name is the path, `/limit`); absent for the body. */
  in?: 'path' | 'query';
}

/** A value that breaks one rule of its schema, and the rule. */
export interface InvalidValue {
  value: unknown;
  rule: BrokenRule;
}

export interface InvalidBody {
  body: unknown;
  rule: BrokenRule;
}

/** One rule of the schema and an arbitrary of bodies that break it and nothing else. */
export interface InvalidCase {
  /** `path keyword`, with `*` for keys that are generated, e.g. `/profile/metadata/* type`. */
  name: string;
  arbitrary: Arbitrary<InvalidBody>;
  /**
   * For a bound (minimum, maximum, minLength, maxLength): bodies that break it by the least, one past
   * the bound (`limit` 0 or 101, a 37-character `external_id`). A provider whose bound is off by one
   * refuses most of what `arbitrary` gives, and accepts these.
   */
  boundary?: Arbitrary<InvalidBody>;
}

/** The rules (of contract/keywords.ts's) the arbitraries can generate for and against; a schema with another is refused. */
const GENERATED_RULES = [
  'type',
  'minimum',
  'maximum',
  'oneOf',
  'not',
  'enum',
  'const',
  'properties',
  'required',
  'additionalProperties',
  'maxProperties',
  'propertyNames',
  'maxLength',
  'minLength',
  'pattern',
  'format',
  'items',
  'x-max-json-bytes',
  'x-disjoint-keys',
];
const KNOWN_KEYWORDS = new Set([...SCHEMA_ANNOTATIONS, ...GENERATED_RULES]);

/** A schema with its `$ref`s followed (OpenAPI 3.1 applies a `$ref`'s siblings too, so they are merged). */
export function resolve(schema: Schema | boolean): Schema {
  if (typeof schema === 'boolean') throw new Error('arbitraries: boolean schemas are not supported');
  const resolved = mergeRefChain(refChain(openapiDocument, schema, '')) as Schema;
  for (const keyword of Object.keys(resolved)) {
    if (!KNOWN_KEYWORDS.has(keyword)) throw new Error(`arbitraries: schema keyword "${keyword}" is not supported`);
  }
  return resolved;
}

function typesOf(schema: Schema): JsonType[] {
  if (schema.type === undefined) throw new Error('arbitraries: every schema must declare its type');
  return [schema.type].flat();
}

const codePoints = (text: string) => [...text].length;

// Text of every kind: printable ASCII, and any Unicode code point (astral planes included, which
// JSON Schema's maxLength counts as one character each).
const textUnits = ['grapheme-ascii', 'binary'] as const;
const anyText = (constraints: { minLength?: number; maxLength?: number } = {}) =>
  fc.oneof(...textUnits.map((unit) => fc.string({ unit, ...constraints })));

/** Whether random text mostly matches the pattern, so filtering random text by it terminates fast. */
const permissive = new Map<string, boolean>(); // by pattern: sampling is the slow part of building arbitraries
function isPermissive(pattern: RegExp): boolean {
  let verdict = permissive.get(pattern.source);
  if (verdict === undefined) {
    const sample = fc.sample(anyText({ maxLength: 8 }), { numRuns: 40, seed: 42 });
    verdict = sample.filter((text) => pattern.test(text)).length >= sample.length / 2;
    permissive.set(pattern.source, verdict);
  }
  return verdict;
}

const patternOf = (schema: Schema) => (schema.pattern ? new RegExp(schema.pattern, 'u') : undefined);

// ---------------------------------------------------------------------------------------------
// Valid values

// Arbitraries are immutable, so one per schema node of the spec serves every caller (building them,
// regular expressions and formats above all, costs far more than drawing from them).
const validValues = new WeakMap<Schema, Arbitrary<unknown>>();

export function validValue(schemaOrRef: Schema): Arbitrary<unknown> {
  const known = validValues.get(schemaOrRef);
  if (known) return known;
  const arbitrary = buildValidValue(schemaOrRef);
  validValues.set(schemaOrRef, arbitrary);
  return arbitrary;
}

function buildValidValue(schemaOrRef: Schema): Arbitrary<unknown> {
  const schema = resolve(schemaOrRef);
  if (schema.oneOf) {
    // Branches the spec keeps apart by their required properties; extra fields never take those names.
    if (Object.keys(schema).some((keyword) => keyword !== 'oneOf' && !SCHEMA_ANNOTATIONS.includes(keyword)))
      throw new Error('arbitraries: oneOf beside other rules is not supported');
    return fc.oneof(...(schema.oneOf as Schema[]).map((branch) => validValue(branch)));
  }
  if ('const' in schema) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...(schema.enum as unknown[]));
  const arbitraries = typesOf(schema).map((type) => validOfType(schema, type));
  return arbitraries.length === 1 ? arbitraries[0]! : fc.oneof(...arbitraries);
}

function validOfType(schema: Schema, type: JsonType): Arbitrary<unknown> {
  switch (type) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer': {
      const min: number | undefined = schema.minimum;
      const max: number | undefined = schema.maximum;
      if (min !== undefined || max !== undefined) {
        const bounds = { min: min ?? Number.MIN_SAFE_INTEGER, max: max ?? Number.MAX_SAFE_INTEGER };
        return fc.oneof(fc.integer(bounds), fc.constantFrom(bounds.min, bounds.max)); // the boundaries themselves
      }
      return fc.oneof(fc.integer(), fc.constantFrom(0, -1, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER));
    }
    case 'number':
      if (schema.minimum !== undefined || schema.maximum !== undefined) throw new Error('arbitraries: bounds on numbers are not supported');
      return fc.oneof(
        fc.integer(),
        fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => (n === 0 ? 0 : n)),
      ); // no -0: JSON has none
    case 'string':
      return validString(schema);
    case 'object':
      return validObject(schema);
    case 'array':
      return fc.array(validValue(schema.items ?? {}), { maxLength: 4 });
  }
}

const FORMATS: Record<string, { valid: () => Arbitrary<string>; invalid: () => Arbitrary<string> }> = {
  email: {
    valid: () => fc.emailAddress(),
    invalid: () => anyText().map((text) => text.replace(/@/g, '')), // no @, no address
  },
  uri: {
    valid: () => fc.webUrl({ withQueryParameters: true, withFragments: true }),
    invalid: () => anyText().map((text) => text.replace(/:/g, '')), // no scheme, so not an absolute URI
  },
  'date-time': {
    valid: () =>
      fc
        .date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2999-12-31T23:59:59Z'), noInvalidDate: true })
        .map((date) => date.toISOString()),
    invalid: () => fc.constantFrom('2020-09-20', '2020-09-20 00:00:00', 'yesterday', ''),
  },
};

function formatOf(schema: Schema) {
  const format = FORMATS[schema.format as string];
  if (!format) throw new Error(`arbitraries: format "${schema.format}" is not supported`);
  return format;
}

export function validString(schema: Schema): Arbitrary<string> {
  const minLength = schema.minLength ?? 0;
  const maxLength: number | undefined = schema.maxLength;
  const lengthOk = (text: string) => codePoints(text) >= minLength && (maxLength === undefined || codePoints(text) <= maxLength);
  if (schema.format) return formatOf(schema).valid().filter(lengthOk);

  const pattern = patternOf(schema);
  const candidates: Arbitrary<string>[] = [];
  if (pattern) candidates.push(fc.stringMatching(pattern).filter(lengthOk));
  if (!pattern || isPermissive(pattern)) {
    const matches = (text: string) => !pattern || pattern.test(text);
    candidates.push(anyText({ minLength, ...(maxLength === undefined ? {} : { maxLength }) }).filter(matches));
    // The boundaries themselves: exactly maxLength and exactly minLength characters.
    if (maxLength !== undefined) candidates.push(anyText({ minLength: maxLength, maxLength }).filter(matches));
    candidates.push(anyText({ minLength, maxLength: minLength }).filter(matches));
  }
  // Now and then a name Object has, where the schema allows it: as a key, it must stay a key everywhere
  // (`obj[key] = v` with `__proto__` sets a prototype; `key in obj` finds `constructor`).
  const objectNames = OBJECT_NAMES.filter((name) => lengthOk(name) && (!pattern || pattern.test(name)));
  return fc.oneof(
    ...candidates.map((arbitrary) => ({ arbitrary, weight: 8 })),
    ...(objectNames.length > 0 ? [{ arbitrary: fc.constantFrom(...objectNames), weight: 1 }] : []),
  );
}

const OBJECT_NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'];

function declaredProperties(schema: Schema): Record<string, Schema> {
  return (schema.properties ?? {}) as Record<string, Schema>;
}

/** The schema of a key and a value of additionalProperties, when it is a schema (not true/false/absent). */
function mapSchema(schema: Schema) {
  const values = schema.additionalProperties;
  if (values === undefined || typeof values === 'boolean') return undefined;
  if (Object.keys(declaredProperties(schema)).length > 0) {
    throw new Error('arbitraries: properties together with an additionalProperties schema are not supported');
  }
  const names = schema.propertyNames ? { type: 'string', ...resolve(schema.propertyNames) } : { type: 'string' };
  return { keySchema: names as Schema, valueSchema: values as Schema, maxKeys: schema.maxProperties as number | undefined };
}

/** Objects with only declared properties: every required one, each optional one or not (and `x-disjoint-keys` kept). */
function validRecord(schema: Schema, omit?: string): Arbitrary<Record<string, unknown>> {
  const properties = Object.entries(declaredProperties(schema)).filter(([name]) => name !== omit);
  const required = ((schema.required ?? []) as string[]).filter((name) => name !== omit);
  forbiddenKeys(schema); // checks the form of `not`
  let record = fc.record(Object.fromEntries(properties.map(([name, property]) => [name, validValue(property)])), {
    requiredKeys: required,
  });
  if (schema.additionalProperties === undefined || schema.additionalProperties === true) {
    // An open object (a tolerant reader's): fields the spec does not name yet, as a newer API may send.
    record = fc
      .tuple(record, fc.dictionary(FUTURE_KEY, jsonOnTheWire(2), { maxKeys: 2, noNullPrototype: true }))
      .map(([value, extra]) => ({ ...extra, ...value }));
  }
  const disjoint: string[] | undefined = schema['x-disjoint-keys'];
  return disjoint ? record.filter((value) => sharedKeys(value, disjoint).length === 0) : record;
}

/** Names of fields a future API version might add: never a name the spec uses, nor a forbidden one. */
const FUTURE_KEY = fc.stringMatching(/^[a-z][a-z0-9_]{0,11}$/).map((name) => `future_${name}`);

/** Any JSON value as it arrives: through JSON itself (fast-check's -0 is 0 on the wire). */
const jsonOnTheWire = (maxDepth: number) => fc.jsonValue({ maxDepth }).map((value) => JSON.parse(JSON.stringify(value)) as unknown);

/** The keys `not: { required: [...] }` forbids (the only form of `not` the spec uses). */
function forbiddenKeys(schema: Schema): string[] {
  if (schema.not === undefined) return [];
  const not = schema.not as Schema;
  if (Object.keys(not).length !== 1 || !Array.isArray(not.required))
    throw new Error('arbitraries: only not: { required: [...] } is supported');
  return not.required as string[];
}

/** Keys that the objects at these pointers (within `value`) have in common. */
function sharedKeys(value: unknown, pointers: readonly string[]): string[] {
  const keys = pointers.map((pointer) => {
    const at = pointerGet(value, pointer);
    return at !== null && typeof at === 'object' && !Array.isArray(at) ? Object.keys(at) : [];
  });
  return keys.slice(1).flatMap((list, i) => list.filter((key) => keys.slice(0, i + 1).some((earlier) => earlier.includes(key))));
}

/** The schema a data pointer (`/profile/metadata`) leads to through `properties`. */
function schemaAt(schema: Schema, pointer: string): Schema {
  return pointer
    .slice(1)
    .split('/')
    .reduce((at, segment) => {
      const next = declaredProperties(resolve(at))[unescapePointerSegment(segment)];
      if (!next) throw new Error(`arbitraries: x-disjoint-keys names ${pointer}, which the schema does not declare`);
      return next;
    }, schema);
}

/** A copy of `value` with `leaf` at `pointer`, objects made (or replacing null) on the way. */
function withAt(value: Record<string, unknown>, pointer: string, leaf: unknown): Record<string, unknown> {
  const copy = structuredClone(value);
  const segments = pointer.slice(1).split('/').map(unescapePointerSegment);
  let at: Record<string, unknown> = copy;
  for (const segment of segments.slice(0, -1)) {
    const next = at[segment];
    at = at[segment] = next !== null && typeof next === 'object' ? (next as Record<string, unknown>) : {};
  }
  at[segments.at(-1)!] = leaf;
  return copy;
}

/**
 * Bodies that break `x-disjoint-keys` and nothing else: one key in two of the maps, each value valid for
 * its map, the maps left under their own limits (pairs, bytes) with it.
 */
function sharedKeyCase(schema: Schema, pointers: readonly string[], path: string, name: string): LocalCase {
  const [first, second] = pointers as [string, string];
  const maps = [first, second].map((pointer) => ({ pointer, map: mapSchema(resolve(schemaAt(schema, pointer))) }));
  if (maps.some(({ map }) => !map)) throw new Error(`arbitraries: x-disjoint-keys at ${name || '(body)'} must name maps`);
  type MapAt = { pointer: string; map: NonNullable<ReturnType<typeof mapSchema>> };
  const [a, b] = maps as [MapAt, MapAt];
  const keyPattern = (m: MapAt['map']) => patternOf(resolve(m.keySchema));
  const key = validString(b.map.keySchema).filter((k) => !keyPattern(a.map) || keyPattern(a.map)!.test(k));
  const fits = (map: Record<string, unknown>, limits: Schema) =>
    (limits.maxProperties === undefined || Object.keys(map).length <= limits.maxProperties) &&
    (limits['x-max-json-bytes'] === undefined || jsonByteLength(map) <= limits['x-max-json-bytes']);
  return {
    name: `${name || '(body)'} x-disjoint-keys`,
    arbitrary: fc
      .tuple(validRecord(schema), key, validValue(a.map.valueSchema), validValue(b.map.valueSchema))
      .map(([value, shared, left, right]) => {
        const both = [a, b].reduce((body, { pointer }, i) => {
          const existing = pointerGet(body, pointer);
          const kept = existing !== null && typeof existing === 'object' ? (existing as Record<string, unknown>) : {};
          // A computed key in a literal is an own property even when it is `__proto__` (an assignment would set the prototype).
          return withAt(body, pointer, { ...kept, [shared]: i === 0 ? left : right });
        }, value);
        return { value: both, shared };
      })
      .filter(({ value }) =>
        [a, b].every(({ pointer }) => fits(pointerGet(value, pointer) as Record<string, unknown>, resolve(schemaAt(schema, pointer)))),
      )
      .map(({ value, shared }) => ({
        value,
        rule: { path: `${path}${second}/${escapePointerSegment(shared)}`, keyword: 'x-disjoint-keys' },
      })),
  };
}

/** Maps (additionalProperties with a schema): any number of valid pairs up to maxKeys, boundaries included. */
function validMap(schema: Schema, maxKeys?: number): Arbitrary<Record<string, unknown>> {
  const map = mapSchema(schema)!;
  const limit = Math.min(maxKeys ?? Infinity, map.maxKeys ?? Infinity);
  const pairs = (minKeys: number, max: number) =>
    fc.dictionary(validString(map.keySchema), validValue(map.valueSchema), { minKeys, maxKeys: max, noNullPrototype: true });
  const candidates = [pairs(0, Math.min(limit, 6))];
  if (Number.isFinite(limit) && limit > 0) candidates.push(pairs(limit, limit)); // exactly maxProperties pairs
  return fc.oneof(...candidates);
}

function validObject(schema: Schema): Arbitrary<Record<string, unknown>> {
  if (!mapSchema(schema)) return validRecord(schema);
  const limit: number | undefined = schema['x-max-json-bytes'];
  if (limit === undefined) return validMap(schema);
  return fc.oneof(
    validMap(schema).filter((value) => jsonByteLength(value) <= limit),
    paddedMap(schema, limit - 512, limit), // near the size limit
  );
}

/**
 * A valid map padded with one string value so that its JSON is between `min` and `max` bytes.
 * Needs a value schema that takes any string; returns undefined-free maps only.
 */
function paddedMap(schema: Schema, min: number, max: number): Arbitrary<Record<string, unknown>> {
  const map = mapSchema(schema)!;
  const valueSchema = resolve(map.valueSchema);
  if (!typesOf(valueSchema).includes('string') || valueSchema.pattern || valueSchema.maxLength !== undefined) {
    throw new Error('arbitraries: x-max-json-bytes needs a map whose values may be any string');
  }
  const maxKeys = map.maxKeys === undefined ? undefined : map.maxKeys - 1;
  return fc
    .tuple(
      validMap(schema, maxKeys).filter((value) => jsonByteLength(value) < min - 64),
      validString(map.keySchema),
      fc.integer({ min, max }),
    )
    .filter(([value, key]) => !Object.hasOwn(value, key))
    .map(([value, key, target]) => {
      const room = target - jsonByteLength({ ...value, [key]: '' });
      return { ...value, [key]: 'x'.repeat(room) }; // a literal: `__proto__` stays an own key
    });
}

// ---------------------------------------------------------------------------------------------
// Invalid values: each case breaks exactly one rule

export interface LocalCase {
  name: string;
  arbitrary: Arbitrary<InvalidValue>;
  /** Values one past a bound (see InvalidCase.boundary). */
  boundary?: Arbitrary<InvalidValue>;
}

/** A case with the same change made to its values and to its boundary values. */
export function mapCase<From, To>(
  c: { name: string; arbitrary: Arbitrary<From>; boundary?: Arbitrary<From> },
  change: (arbitrary: Arbitrary<From>) => Arbitrary<To>,
  name = c.name,
): { name: string; arbitrary: Arbitrary<To>; boundary?: Arbitrary<To> } {
  return { name, arbitrary: change(c.arbitrary), ...(c.boundary ? { boundary: change(c.boundary) } : {}) };
}

const SAMPLE_OF_TYPE: Record<JsonType, unknown[]> = {
  null: [null],
  boolean: [true, false],
  integer: [7, -3, 0],
  number: [1.5, -0.25],
  string: ['text', ''],
  object: [{}, { a: 1 }],
  array: [[], ['a']],
};

/** Every rule of a schema, each with values that break only it; `path` and `name` say where the value sits. */
export function invalidCases(schemaOrRef: Schema, path: string, name: string): LocalCase[] {
  const schema = resolve(schemaOrRef);
  const types = typesOf(schema);
  const cases: LocalCase[] = [];
  const rule = (keyword: string, at = path) => ({ path: at, keyword });
  const add = (
    keyword: string,
    arbitrary: Arbitrary<{ value: unknown; rule: BrokenRule }>,
    caseName = name,
    boundary?: Arbitrary<{ value: unknown; rule: BrokenRule }>,
  ) => cases.push({ name: `${caseName || '(body)'} ${keyword}`, arbitrary, ...(boundary ? { boundary } : {}) });

  // type: a value of a type the schema does not allow (an integer is a number, so it counts as one).
  const allowed = (type: JsonType) => types.includes(type) || (type === 'integer' && types.includes('number'));
  const wrongTypes = (Object.keys(SAMPLE_OF_TYPE) as JsonType[])
    .filter((type) => !allowed(type))
    .flatMap((type) => SAMPLE_OF_TYPE[type])
    .filter((value) => !(typeof value === 'number' && Number.isInteger(value) && allowed('integer')));
  if (wrongTypes.length > 0)
    add(
      'type',
      fc.constantFrom(...wrongTypes).map((value) => ({ value, rule: rule('type') })),
    );

  if (schema.oneOf) throw new Error(`arbitraries: no single rule of a oneOf can be broken (at ${name || '(body)'})`);
  if (types.includes('integer')) {
    if (schema.minimum !== undefined) {
      const min = schema.minimum as number;
      add(
        'minimum',
        fc
          .oneof(fc.constant(min - 1), fc.integer({ min: Number.MIN_SAFE_INTEGER, max: min - 1 }))
          .map((value) => ({ value, rule: rule('minimum') })),
        name,
        fc.constant({ value: min - 1, rule: rule('minimum') }),
      );
    }
    if (schema.maximum !== undefined) {
      const max = schema.maximum as number;
      add(
        'maximum',
        fc
          .oneof(fc.constant(max + 1), fc.integer({ min: max + 1, max: Number.MAX_SAFE_INTEGER }))
          .map((value) => ({ value, rule: rule('maximum') })),
        name,
        fc.constant({ value: max + 1, rule: rule('maximum') }),
      );
    }
  }
  if (types.includes('string')) cases.push(...invalidStrings(schema, path, name));
  if (types.includes('object')) cases.push(...invalidObjects(schema, path, name));
  return cases;
}

function invalidStrings(schema: Schema, path: string, name: string): LocalCase[] {
  const cases: LocalCase[] = [];
  const minLength = schema.minLength ?? 0;
  const maxLength: number | undefined = schema.maxLength;
  const pattern = patternOf(schema);
  const matches = (text: string) => !pattern || pattern.test(text);
  const lengthOk = (text: string) => codePoints(text) >= minLength && (maxLength === undefined || codePoints(text) <= maxLength);
  const add = (keyword: string, arbitrary: Arbitrary<string>, boundary?: Arbitrary<string>) => {
    const withRule = (texts: Arbitrary<string>) => texts.map((value) => ({ value, rule: { path, keyword } }));
    cases.push({ name: `${name} ${keyword}`, arbitrary: withRule(arbitrary), ...(boundary ? { boundary: withRule(boundary) } : {}) });
  };
  const exactly = (length: number) => anyText({ minLength: length, maxLength: length }).filter(matches);

  if (maxLength !== undefined) {
    if (pattern && !isPermissive(pattern)) throw new Error(`arbitraries: cannot break maxLength under the pattern at ${name}`);
    add('maxLength', anyText({ minLength: maxLength + 1, maxLength: maxLength + 8 }).filter(matches), exactly(maxLength + 1));
  }
  if (minLength > 0) {
    if (pattern && !pattern.test('')) throw new Error(`arbitraries: cannot break minLength under the pattern at ${name}`);
    add('minLength', anyText({ maxLength: minLength - 1 }).filter(matches), exactly(minLength - 1));
  }
  if (pattern) {
    // A valid string with one character that the pattern may refuse put somewhere in it.
    const intruders = fc.constantFrom(' ', '<', '>', '_', '-', '.', '/', '@', '#', 'é', '\n', '\u{1F600}', '*', '~');
    add(
      'pattern',
      fc
        .tuple(validString({ ...schema, maxLength: undefined }), intruders, fc.nat())
        .map(([text, intruder, at]) => {
          const chars = [...text];
          chars.splice(at % (chars.length + 1), 0, intruder);
          return chars.join('');
        })
        .filter((text) => !pattern.test(text) && lengthOk(text)),
    );
  }
  if (schema.format)
    add(
      'format',
      formatOf(schema)
        .invalid()
        .filter((text) => lengthOk(text) && matches(text)),
    );
  return cases;
}

function invalidObjects(schema: Schema, path: string, name: string): LocalCase[] {
  const cases: LocalCase[] = [];
  const add = (keyword: string, arbitrary: Arbitrary<{ value: unknown; rule: BrokenRule }>, caseName = name) =>
    cases.push({ name: `${caseName || '(body)'} ${keyword}`, arbitrary });
  const map = mapSchema(schema);

  if (!map) {
    const properties = declaredProperties(schema);
    for (const required of (schema.required ?? []) as string[]) {
      add(
        'required',
        validRecord(schema, required).map((value) => ({ value, rule: { path: child(path, required), keyword: 'required' } })),
        `${name}/${required}`,
      );
    }
    if (schema.additionalProperties === false) {
      // An unknown key: a camelCase twin of a declared one (the typical typo), or any other text.
      const names = Object.keys(properties);
      const typos = names
        .map((key) => key.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase()))
        .filter((key) => !names.includes(key));
      const unknownKey = fc
        .oneof(...(typos.length > 0 ? [fc.constantFrom(...typos)] : []), anyText({ minLength: 1 }))
        .filter((key) => !names.includes(key));
      add(
        'additionalProperties',
        fc.tuple(validRecord(schema), unknownKey, fc.jsonValue()).map(([value, key, extra]) => ({
          value: { ...value, [key]: extra },
          rule: { path: child(path, key), keyword: 'additionalProperties' },
        })),
        `${name}/*`,
      );
    }
    for (const key of forbiddenKeys(schema)) {
      add(
        'not',
        fc
          .tuple(validRecord(schema), fc.jsonValue({ maxDepth: 1 }))
          .map(([value, extra]) => ({ value: { ...value, [key]: extra }, rule: { path, keyword: 'not' } })),
      );
    }
    const disjoint: string[] | undefined = schema['x-disjoint-keys'];
    if (disjoint) cases.push(sharedKeyCase(schema, disjoint, path, name));
    // A rule broken inside one property must not also break x-disjoint-keys, which spans properties (a
    // metadata key made up for a bad value may be a sensitive field's key too).
    const keepsDisjoint = ({ value }: InvalidValue) => !disjoint || sharedKeys(value, disjoint).length === 0;
    for (const [key, property] of Object.entries(properties)) {
      const others = validRecord(schema, key); // built once per property: building is the slow part
      for (const inner of invalidCases(property, child(path, key), `${name}/${escapePointerSegment(key)}`)) {
        cases.push(
          mapCase(inner, (broken) =>
            fc
              .tuple(others, broken)
              .map(([value, { value: bad, rule }]) => ({ value: { ...value, [key]: bad }, rule }))
              .filter(keepsDisjoint),
          ),
        );
      }
    }
    return cases;
  }

  const limit: number | undefined = schema['x-max-json-bytes'];
  const underLimit = (value: Record<string, unknown>) => limit === undefined || jsonByteLength(value) <= limit;
  const roomForOneMore = map.maxKeys === undefined ? undefined : map.maxKeys - 1;
  const base = () => validMap(schema, roomForOneMore).filter((value) => underLimit(value));
  const withPair = (key: Arbitrary<string>, value: Arbitrary<{ value: unknown; rule: BrokenRule } | unknown>) =>
    fc.tuple(base(), key, value).filter(([object, k]) => !Object.hasOwn(object, k));

  // A value that breaks its own rules, under a fresh valid key.
  const valueCases = invalidCases(map.valueSchema, `${path}/*`, `${name}/*`);
  for (const inner of valueCases) {
    cases.push(
      mapCase(inner, (values) =>
        withPair(validString(map.keySchema), values)
          .map(([object, key, broken]) => {
            const { value, rule } = broken as { value: unknown; rule: BrokenRule };
            return {
              value: { ...object, [key]: value },
              rule: { path: rule.path.replace(`${path}/*`, () => child(path, key)), keyword: rule.keyword },
            };
          })
          .filter(({ value }) => underLimit(value)),
      ),
    );
  }
  const pattern = map.keySchema.pattern;
  if (pattern) {
    const badKey = invalidStrings(map.keySchema, '', '')
      .find((c) => c.name.endsWith('pattern'))!
      .arbitrary.map(({ value }) => value as string);
    add(
      'propertyNames',
      withPair(badKey, validValue(map.valueSchema))
        .map(([object, key, value]) => ({ value: { ...object, [key]: value }, rule: { path: child(path, key), keyword: 'propertyNames' } }))
        .filter(({ value }) => underLimit(value)),
      `${name}/*`,
    );
  }
  if (map.maxKeys !== undefined) {
    add(
      'maxProperties',
      fc
        .dictionary(validString(map.keySchema), validValue(map.valueSchema), {
          minKeys: map.maxKeys + 1,
          maxKeys: map.maxKeys + 3,
          noNullPrototype: true,
        })
        .filter((value) => underLimit(value))
        .map((value) => ({ value, rule: { path, keyword: 'maxProperties' } })),
    );
  }
  if (limit !== undefined) {
    add(
      'x-max-json-bytes',
      paddedMap(schema, limit + 1, limit + 512).map((value) => ({ value, rule: { path, keyword: 'x-max-json-bytes' } })),
    );
  }
  return cases;
}
