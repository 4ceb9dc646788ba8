// Whole requests of an operation, from the operations table: path and query parameters as they go on the
// wire (strings), and the body. Valid ones, and invalid ones that break exactly one rule: a parameter's
// schema, a path segment URL parsing would change, an unknown parameter, parameters of two exclusive
// groups (`x-exclusive-parameter-groups`), or the body's schema (the kit's rules included).
import type { Arbitrary } from 'fast-check';
import { fc } from './fast-check.js';
import { operation, type ParameterInfo } from '../contract/operations.js';
import { nodeAt } from '../contract/spec.js';
import { invalidRequestBodyCases, arbitraryRequestBody } from './bodies.js';
import { type BrokenRule, type InvalidBody, type InvalidValue, invalidCases, mapCase, type Schema, validValue } from './values.js';

/** A request to an operation: parameters as sent (strings, unencoded), and the JSON body where there is one. */
export interface GeneratedRequest {
  path: Record<string, string>;
  query: Record<string, string>;
  body?: unknown;
}

export interface InvalidRequest {
  request: GeneratedRequest;
  /** Where (`in` for a parameter; a JSON pointer into the body otherwise) and which rule. */
  rule: BrokenRule;
}

export interface InvalidRequestCase {
  /** `in path keyword` for parameters (`query /limit maximum`), the body case's name otherwise (`body /profile type`). */
  name: string;
  /**
   * False when the request cannot reach the operation as it is: an empty, `.` or `..` path segment is
   * another path once a URL is parsed, and a URL cannot carry a lone surrogate (in a path or a query).
   * Such requests are for local validators (the client refuses them before sending).
   */
  sendable: boolean;
  arbitrary: Arbitrary<InvalidRequest>;
  /** For a bound: requests one past it (`limit=0`, `limit=101`, a 37-character `external_id`). */
  boundary?: Arbitrary<InvalidRequest>;
}

const schemaOf = (parameter: ParameterInfo) => nodeAt(`${parameter.pointer}/schema`) as Schema;

// A lone surrogate: URL encoding turns it into U+FFFD (String#toWellFormed is ES2024, newer than the kit's target).
const LONE_SURROGATE = /\p{Cs}/gu;
const wellFormed = (text: string) => text.replace(LONE_SURROGATE, '\uFFFD');

/** A value as a URL carries it: text as is (well-formed, as URL encoding makes it), anything else as JSON. */
const onTheWire = (value: unknown) =>
  typeof value === 'string' ? wellFormed(value) : typeof value === 'number' ? String(value) : JSON.stringify(value);

/** The kit's rules for a path segment beyond its schema (validateParameter): what URL parsing keeps. */
const urlKeeps = (segment: string) => segment !== '.' && segment !== '..' && wellFormed(segment) === segment;

function parametersOf(operationId: string) {
  const { parameters, exclusiveGroups } = operation(operationId);
  const unsupported = parameters.find((p) => p.in !== 'path' && p.in !== 'query');
  if (unsupported) throw new Error(`arbitraries: ${unsupported.in} parameters are not supported (${operationId} ${unsupported.name})`);
  return {
    path: parameters.filter((p) => p.in === 'path'),
    query: parameters.filter((p) => p.in === 'query'),
    groups: exclusiveGroups,
  };
}

function validPath(operationId: string): Arbitrary<Record<string, string>> {
  const { path } = parametersOf(operationId);
  return fc.record(Object.fromEntries(path.map((p) => [p.name, validValue(schemaOf(p)).map(onTheWire).filter(urlKeeps)])));
}

/**
 * Valid query parameters: required ones always, each optional one or not; of the exclusive groups at
 * most one is used. With `keep`, only the parameters that may go with `keep` (its group's and the
 * ungrouped), `keep` itself left out for the caller to set.
 */
function validQuery(operationId: string, keep?: string): Arbitrary<Record<string, string>> {
  const { query, groups } = parametersOf(operationId);
  const groupOf = (name: string) => groups.findIndex((group) => group.includes(name));
  const choices = keep === undefined ? [-1, ...groups.keys()] : [groupOf(keep)];
  return fc.constantFrom(...choices).chain((chosen) => {
    const allowed = query.filter((p) => groupOf(p.name) === -1 || groupOf(p.name) === chosen).filter((p) => p.name !== keep);
    return fc.record(Object.fromEntries(allowed.map((p) => [p.name, validValue(schemaOf(p)).map(onTheWire)])), {
      requiredKeys: allowed.filter((p) => p.required).map((p) => p.name),
    });
  });
}

function validBody(operationId: string): Arbitrary<{ body?: unknown }> {
  const body = operation(operationId).body;
  if (!body?.schema) return fc.constant({});
  const some = arbitraryRequestBody(operationId).map((value) => ({ body: value as unknown }));
  return body.required ? some : fc.oneof(some, fc.constant({}));
}

/** Valid requests of an operation (by operationId): parameters and body, as a client may send them. */
export function arbitraryRequest(operationId: string): Arbitrary<GeneratedRequest> {
  return fc
    .tuple(validPath(operationId), validQuery(operationId), validBody(operationId))
    .map(([path, query, body]) => ({ path, query, ...body }));
}

/** Every rule of an operation's request, each with requests that break only it. */
export function invalidRequestCases(operationId: string): InvalidRequestCase[] {
  const { path, query, groups } = parametersOf(operationId);
  const cases: InvalidRequestCase[] = [];
  // The valid parts around the one a case breaks, built once (arbitraries built per sample are slow).
  const validPathParts = validPath(operationId);
  const validBodyPart = validBody(operationId);
  const queries = new Map<string | undefined, Arbitrary<Record<string, string>>>();
  const queryFor = (keep?: string) => queries.get(keep) ?? queries.set(keep, validQuery(operationId, keep)).get(keep)!;
  type Broken = { parts: Partial<GeneratedRequest>; rule: BrokenRule };
  const around = (broken: Arbitrary<Broken>, queryKeep?: string): Arbitrary<InvalidRequest> =>
    fc.tuple(broken, validPathParts, queryFor(queryKeep), validBodyPart).map(([{ parts, rule }, p, q, b]) => ({
      request: { path: { ...p, ...parts.path }, query: { ...q, ...parts.query }, ...b, ...('body' in parts ? { body: parts.body } : {}) },
      rule,
    }));

  for (const parameter of [...path, ...query]) {
    const located = parameter.in as 'path' | 'query';
    // Every value on the wire is text: a rule about other types can only be broken by text that is not one (`limit=ten`).
    const schema = schemaOf(parameter);
    const broken = invalidCases(schema, `/${parameter.name}`, parameter.name).filter(
      (c) => !(c.name.endsWith(' type') && [schema.type].flat().includes('string')),
    );
    if (located === 'path') {
      broken.push({
        name: `${parameter.name} path-segment`,
        arbitrary: fc.constantFrom('.', '..').map((value) => ({ value, rule: { path: `/${parameter.name}`, keyword: 'path-segment' } })),
      });
    }
    if ([schema.type].flat().includes('string')) {
      // A lone surrogate in place of the last character a bound allows (appended, it could break maxLength too).
      const room = (text: string) =>
        schema.maxLength !== undefined && [...text].length >= schema.maxLength ? [...text].slice(0, -1).join('') : text;
      broken.push({
        name: `${parameter.name} unicode`,
        arbitrary: fc.tuple(validValue(schema).map(String), fc.integer({ min: 0xd800, max: 0xdfff })).map(([text, half]) => ({
          value: `${room(text)}${String.fromCharCode(half)}`,
          rule: { path: `/${parameter.name}`, keyword: 'unicode' },
        })),
      });
    }
    for (const c of broken) {
      const sendable =
        !c.name.endsWith(' unicode') && (located === 'query' || !['minLength', 'path-segment'].some((k) => c.name.endsWith(` ${k}`)));
      const requests = (values: Arbitrary<InvalidValue>) =>
        around(
          values.map(({ value, rule }) => ({
            parts: { [located]: { [parameter.name]: sendable ? onTheWire(value) : String(value) } },
            rule: { ...rule, in: located },
          })),
          located === 'query' ? parameter.name : undefined,
        );
      cases.push({ ...mapCase(c, requests, `${located} /${c.name}`), sendable });
    }
  }

  // A query parameter the operation does not have (the kit's validators refuse it; Ada's docs are silent).
  const known = new Set(query.map((p) => p.name));
  const unknown = fc
    .tuple(
      fc.stringMatching(/^[a-z][a-z_]{0,11}$/).filter((name) => !known.has(name)),
      fc.string({ maxLength: 8 }),
    )
    .map(([name, value]) => ({
      parts: { query: { [name]: wellFormed(value) } },
      rule: { path: `/${name}`, in: 'query' as const, keyword: 'parameter' },
    }));
  cases.push({ name: 'query /* parameter', sendable: true, arbitrary: around(unknown) });

  // Parameters of two exclusive groups: one of an earlier group, exactly one of a later one (the one named).
  for (const [later, group] of groups.entries()) {
    const earlier = groups.slice(0, later).flat();
    if (earlier.length === 0) continue;
    for (const name of group) {
      const parameter = query.find((p) => p.name === name);
      if (!parameter) throw new Error(`arbitraries: x-exclusive-parameter-groups names ${name}, not a query parameter of ${operationId}`);
      const withEach = earlier.map((first) => {
        const firstParameter = query.find((p) => p.name === first)!;
        const both = fc.tuple(validValue(schemaOf(firstParameter)), validValue(schemaOf(parameter))).map(([one, other]) => ({
          parts: { query: { [first]: onTheWire(one), [name]: onTheWire(other) } },
          rule: { path: `/${name}`, in: 'query' as const, keyword: 'x-exclusive-parameter-groups' },
        }));
        return around(both, first);
      });
      cases.push({ name: `query /${name} x-exclusive-parameter-groups`, sendable: true, arbitrary: fc.oneof(...withEach) });
    }
  }

  if (operation(operationId).body?.schema) {
    for (const c of invalidRequestBodyCases(operationId)) {
      const requests = (bodies: Arbitrary<InvalidBody>) => around(bodies.map(({ body, rule }) => ({ parts: { body }, rule })));
      cases.push({ ...mapCase(c, requests, `body ${c.name}`), sendable: true });
    }
  }
  return cases;
}

/** Invalid requests of an operation, each breaking exactly one rule, named in `rule`. */
export function arbitraryInvalidRequest(operationId: string, options: { sendable?: boolean } = {}): Arbitrary<InvalidRequest> {
  const cases = invalidRequestCases(operationId).filter((c) => options.sendable === undefined || c.sendable === options.sendable);
  return fc.oneof(...cases.map((c) => c.arbitrary));
}
