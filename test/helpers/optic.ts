// Optic (its `breaking-changes` standard, run in process and offline from the libraries the
// `@useoptic/optic` CLI is built from, devDependencies at one version) as a second
// opinion on the kit's breaking-change checker, over the same table of spec pairs (test/helpers/breaking-cases.ts):
// - nothing Optic calls breaking may pass the kit's checker (a miss of ours that Optic catches fails here);
// - where Optic is wrong on the table is pinned, so a new Optic that judges differently shows up here.
// Measured on the table: Optic is right on 48 of 84 pairs, the kit’s checker on all 84 (docs/breaking-changes.md),
// hence the kit's checker is the engine and Optic the second opinion.
// Optic is asked only about what a pair changes (changedOnly below: 171 -> 46 s of CPU for the table,
// every verdict as pinned), in two shards, one test file each (test/ci/optic-second-opinion-*.test.ts),
// which the suite's workers run side by side.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareSpecs } from '../../src/breaking/index.js';
import { PATH_ITEM_METHODS } from '../../src/breaking/operations.js';
import { pointerGet, type Json } from '../../src/contract/json-pointer.js';
import { breakingCases, bundled, safeCases, unjudgeableCases, type Case } from './breaking-cases.js';

process.env.OPTIC_TELEMETRY_LEVEL = 'off'; // nothing may leave this machine
const require = createRequire(import.meta.url);
const io = require('@useoptic/openapi-io');
const { StandardRulesets } = require('@useoptic/standard-rulesets');
const { prepareRulesets, RuleRunner } = require('@useoptic/rulesets-base');
const { compareSpecs: opticCompare } = require('@useoptic/openapi-utilities');

/** Breaking changes Optic's standard does not catch (measured on the table; it judges no constraint, security, webhook or union). */
const OPTIC_MISSES = [
  'request: a shorter maxLength',
  'request: a new pattern',
  'request: metadata integers declared int64 (narrower than any integer)',
  'request: a property no longer accepted',
  'request: a smaller metadata size limit (x-max-json-bytes)',
  'request: fewer sensitive pairs',
  'request: sensitive keys narrowed (propertyNames pattern)',
  'request: an anyOf branch removed',
  'security: the bearer scheme replaced by an API-key header',
  'security: the same scheme name, another kind of credential',
  'parameter: the path parameter narrowed (a pattern)',
  'parameter: an optional query parameter removed',
  'response: the write-only guard removed',
  'response: a oneOf branch added',
  'an operationId renamed (generated code names the operation by it)',
  'the server URL moved',
  'a schema component renamed (its type name is gone)',
  'a shared schema widened: safe for the request, breaking for the response that shares it (checked, not assumed)',
  'webhook: a payload field removed',
  'webhook: a payload field loosened (tags may hold null)',
  'webhook: an event type removed',
  'list: parameters that could be combined no longer can',
  'list: limit narrowed (at most 50)',
  'update: metadata and sensitive keys may no longer overlap (x-disjoint-keys added)',
  'list: the external_id lookup narrowed (at most 24 characters)',
  'list: the page’s meta removed',
  'webhook: the signature header removed',
  'webhook: a header no longer always sent (svix-id optional: receivers drop duplicates by it)',
  'webhook: a header value loosened (svix-timestamp may be other than seconds)',
  'webhook: the updated event’s data no longer required',
  // Differences neither checker understands: the kit fails closed on them, Optic lets them pass.
  'an unknown vendor keyword on a request schema',
  'a JSON Schema keyword the checker does not judge (multipleOf)',
  'a response header added',
  'a parameter’s serialization style changed',
  'an operation-level vendor extension',
];
/**
 * Safe changes Optic calls breaking: an added request media type, and a narrowed response field that
 * webhook payloads share (Optic reads a webhook's payload as a request body, which narrowing breaks).
 */
const OPTIC_FALSE_ALARMS = ['request: another media type accepted as well', 'response: a narrowed type (no longer nullable)'];

/** Where Optic reads its specs from (it reads files), and its rule runner: set up by the shard's hooks. */
let dir = '';
let runner: unknown;

/** Optic's verdict on a pair: whether its breaking-changes checks fail (or it refuses the pair, as its CLI exits 1). */
async function opticFails(before: Spec, after: Spec, name: string): Promise<boolean> {
  return opticChecks(before, after, name).catch(() => true);
}

/**
 * Optic's reading of a spec (parsed with its source map, denormalized): about half of a pair's cost, so
 * a spec already read (most pairs share the bundled base) is read once. A fresh copy each time, as
 * Optic's comparison may change what it is given.
 */
const loaded = new Map<string, Promise<unknown>>();
function load(spec: unknown, file: string): Promise<unknown> {
  const text = JSON.stringify(spec);
  let reading = loaded.get(text);
  if (!reading) {
    reading = (async () => {
      const path = join(dir, file);
      writeFileSync(path, text);
      const parsed = await io.parseOpenAPIWithSourcemap(path);
      const version = io.checkOpenAPIVersion(parsed.jsonLike);
      return io.denormalize({ ...parsed, version, isEmptySpec: false, from: 'file', context: null }, version, []);
    })();
    loaded.set(text, reading);
  }
  return reading.then((read) => structuredClone(read));
}

async function opticChecks(before: Spec, after: Spec, name: string): Promise<boolean> {
  const [base, head] = changedOnly(before, after);
  const results = await opticCompare(await load(base, `${name}-base.json`), await load(head, `${name}-head.json`), runner, {});
  return (results.results as Array<{ passed: boolean; exempted?: boolean }>).some((r) => !r.passed && !r.exempted);
}

/** What a $ref may point at from an operation or a webhook: differences there show in the operations that use them. */
const REACHABLE = ['schemas', 'parameters', 'responses', 'requestBodies', 'headers', 'examples'];

/**
 * The pair as Optic is asked about it: the operations, responses and webhooks that both sides hold
 * unchanged (with every $ref followed) are left out of both, since Optic's rules judge differences and
 * those differ in nothing. It is most of a pair's cost otherwise (Optic builds facts for every response body of every
 * operation). A pair that differs anywhere else (servers, security, a component's name) goes whole, and
 * so does one whose differences no operation shows. The pins below hold Optic's verdicts either way.
 */
function changedOnly(before: Spec, after: Spec): [Spec, Spec] {
  const rest = (spec: Spec) => {
    const { paths: _p, webhooks: _w, components = {}, ...others } = spec;
    const kept = Object.fromEntries(Object.entries(components).filter(([kind]) => !REACHABLE.includes(kind)));
    const names = REACHABLE.map((kind) => Object.keys(components[kind] ?? {}).sort());
    return JSON.stringify([others, kept, names]);
  };
  if (rest(before) !== rest(after)) return [before, after];
  const [base, head] = [structuredClone(before), structuredClone(after)];
  let pruned = false;
  let differs = false;
  const same = (a: Json, b: Json) => JSON.stringify(inlined(before, a)) === JSON.stringify(inlined(after, b));
  for (const path of Object.keys(base.paths ?? {})) {
    const [one, two] = [base.paths[path], head.paths?.[path]];
    if (!two || !same(one.parameters, two.parameters)) {
      differs = true;
      continue;
    }
    for (const method of PATH_ITEM_METHODS.filter((m) => one[m] && two[m])) {
      if (same(one[method], two[method])) {
        delete one[method];
        delete two[method];
        pruned = true;
        continue;
      }
      differs = true;
      // Within an operation that changed, its responses that did not (most are error answers) go too.
      for (const status of Object.keys(one[method].responses ?? {})) {
        const [first, second] = [one[method].responses[status], two[method].responses?.[status]];
        if (second && same(first, second)) {
          delete one[method].responses[status];
          delete two[method].responses[status];
          pruned = true;
        }
      }
    }
    if (!PATH_ITEM_METHODS.some((m) => one[m] || two[m])) {
      delete base.paths[path];
      delete head.paths[path];
    } else differs = true;
  }
  for (const hook of Object.keys(base.webhooks ?? {})) {
    if (head.webhooks?.[hook] && same(base.webhooks[hook], head.webhooks[hook])) {
      delete base.webhooks[hook];
      delete head.webhooks[hook];
      pruned = true;
    } else differs = true;
  }
  const added = (spec: Spec, other: Spec, key: 'paths' | 'webhooks') =>
    Object.keys(spec[key] ?? {}).some((name) => !(name in (other[key] ?? {})));
  if (added(head, base, 'paths') || added(head, base, 'webhooks')) differs = true;
  return pruned && differs ? [base, head] : [before, after];
}

/** A node with every local $ref replaced by what it points at (a $ref met again inside itself stays). */
function inlined(spec: Spec, node: Json, seen: readonly string[] = []): Json {
  if (Array.isArray(node)) return node.map((item) => inlined(spec, item, seen));
  if (node === null || typeof node !== 'object') return node;
  if (typeof node.$ref === 'string' && node.$ref.startsWith('#/') && !seen.includes(node.$ref)) {
    return inlined(spec, pointerGet(spec, node.$ref), [...seen, node.$ref]);
  }
  return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, inlined(spec, value as Json, seen)]));
}

type Spec = Json;

const all: Case[] = [...breakingCases, ...safeCases, ...unjudgeableCases];
/**
 * A whole pair is about 1.7 s of Optic's CPU alone, but the first one also loads Optic and, in test:ci, shares
 * two cores with spawned CLIs: 33 s once. The bound its own config gave it before test:ci.
 */
const OPTIC_PAIR_TIMEOUT = 120_000;

/** Declares the tests of one shard of the table (1-based) of `shards`; the first also checks the lists. */
export function opticSecondOpinion(shard: number, shards: number): void {
  describe(`Optic, as a second opinion on the same table (shard ${shard} of ${shards})`, () => {
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'ada-optic-'));
      const { rulesets } = await prepareRulesets(
        { ruleset: [{ name: 'breaking-changes', config: {} }], localRulesets: {}, standardRulesets: StandardRulesets, hostedRulesets: {} },
        { client: undefined, specVersion: '3.1.x' },
      );
      runner = new RuleRunner(rulesets);
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it.each(all.map((c, index) => [c.change, c, index] as const).filter(([, , index]) => index % shards === shard - 1))(
      '%s',
      async (_name, c, index) => {
        const before = structuredClone(bundled);
        c.base?.(before);
        const after = structuredClone(before);
        c.head(after);
        const optic = await opticFails(before, after, String(index));
        const kit = compareSpecs(before, after);
        const kitFails = kit.changes.some((change) => change.breaking) || kit.cannotJudge.length > 0;
        if (optic && c.breaking) expect(kitFails, 'Optic catches a breaking change the kit misses').toBe(true);
        const expectedOptic = OPTIC_MISSES.includes(c.change) ? false : OPTIC_FALSE_ALARMS.includes(c.change) ? true : c.breaking;
        expect(optic, 'Optic judges this pair as measured').toBe(expectedOptic);
      },
      OPTIC_PAIR_TIMEOUT,
    );

    if (shard === 1)
      it('the lists of Optic’s misses and false alarms name cases of the table', () => {
        const names = new Set(all.map((c) => c.change));
        expect([...OPTIC_MISSES, ...OPTIC_FALSE_ALARMS].filter((name) => !names.has(name))).toEqual([]);
      });
  });
}
