// Which differences between two bundled specs break consumers, and which it cannot judge.
//
// Direction matters: a request schema must go on accepting everything it accepted (tightening breaks
// callers), a response schema must not start producing anything it did not (loosening breaks readers).
// Webhook payloads are judged like responses (receivers read them), and what a receiver answers like a
// request. Schemas shared by both sides are judged at each place they are used.
//
// Fail closed: every node the walk visits accounts for every key it holds. A key it judges is compared;
// an annotation (description, examples, ...) may change freely; any other key that differs is reported
// as `cannot judge: <JSON pointer>`, and components that no walk reached are compared whole. So a change
// this checker does not understand can never pass as "no breaking changes". In the manner of the
// checker GitHub runs over its own description (rest-api-description), with its limits stated
// (README, "Breaking-change policy").
import { escapePointerSegment, type Json, mergeRefChain, refChain } from '../contract/json-pointer.js';
import {
  ANNOTATIONS,
  BOUNDS,
  EXCLUSIVE_GROUPS_KEYWORD,
  KIT_SCHEMA_KEYWORDS,
  MAX_BODY_BYTES_KEYWORD,
  OPERATION_ANNOTATIONS,
  SCHEMA_ANNOTATIONS,
  SCHEMA_RULES,
} from '../contract/keywords.js';

type Side = 'request' | 'response';
type Verdict = 'same' | 'tighter' | 'looser' | 'changed';

export interface Change {
  /** Where: `PATCH /v2/end-users/{end_user_id} request body /profile/external_id`. */
  where: string;
  what: string;
  breaking: boolean;
}

export interface Comparison {
  changes: Change[];
  /** JSON pointers (into the head spec, or the base where a node was removed) of differences not judged. */
  cannotJudge: string[];
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
/** Component sections openapi-typescript exports as types: a removed or renamed entry breaks code. */
const TYPED_COMPONENTS = ['schemas', 'responses', 'parameters', 'requestBodies', 'headers', 'pathItems'];

/** A node of one spec, with where it is. A `$ref` is followed; its siblings (OpenAPI 3.1) are kept. */
interface Located {
  node: Json;
  /** Pointer of the node (the `$ref`'s target, where there was one). */
  at: string;
  /** Pointer of one of its keys: the referencing object's, for a sibling of the `$ref`. */
  keyAt(key: string): string;
}

const deepEqual = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const child = (pointer: string, key: string) => `${pointer}/${escapePointerSegment(key)}`;

class Judge {
  readonly changes: Change[] = [];
  readonly cannotJudge = new Set<string>();
  /** Component pointers the walk reached (`#/components/schemas/EndUser`). */
  readonly visited = new Set<string>();
  private readonly seen = new Set<string>();

  constructor(
    readonly base: Json,
    readonly head: Json,
  ) {}

  add(where: string, what: string, breaking: boolean): void {
    this.changes.push({ where, what, breaking });
  }

  /** Follows `$ref`s from `node` (at `pointer`) in `doc`, noting the components reached. */
  locate(doc: Json, node: Json, pointer: string): Located {
    const chain = refChain(doc, node, pointer);
    for (const link of chain.slice(1)) this.visit(link.at);
    const at = chain.at(-1)!.at;
    return {
      node: mergeRefChain(chain),
      at,
      keyAt: (key) =>
        child(chain.find((link) => link.node && typeof link.node === 'object' && Object.hasOwn(link.node, key))?.at ?? at, key),
    };
  }

  private visit(target: string): void {
    const match = /^#\/components\/[^/]+\/[^/]+/.exec(target);
    if (match) this.visited.add(match[0]);
  }

  /**
   * Fail closed: every key of `before`/`after` that is neither `handled` nor an annotation and differs
   * is a difference this checker cannot judge.
   */
  account(
    before: Located | undefined,
    after: Located | undefined,
    handled: readonly string[],
    annotations: readonly string[] = ANNOTATIONS,
  ): void {
    const keys = new Set([...Object.keys(before?.node ?? {}), ...Object.keys(after?.node ?? {})]);
    for (const key of keys) {
      if (handled.includes(key) || annotations.includes(key)) continue;
      if (!deepEqual(before?.node?.[key], after?.node?.[key])) {
        this.cannotJudge.add((after && key in (after.node ?? {}) ? after : before)!.keyAt(key));
      }
    }
  }

  /**
   * A pair of nodes is judged once per place (operation and body) and direction: a schema that refers
   * to itself ends there, and one shared by two operations is reported at each.
   */
  firstVisit(before: Located, after: Located, side: Side, where: string): boolean {
    const key = `${before.at}|${after.at}|${side}|${where}`;
    if (this.seen.has(key)) return false;
    this.seen.add(key);
    return true;
  }
}

export function compareSpecs(base: Json, head: Json): Comparison {
  const judge = new Judge(base, head);
  const root = (doc: Json): Located => ({ node: doc, at: '#', keyAt: (key) => child('#', key) });
  judge.account(root(base), root(head), [
    'paths',
    'webhooks',
    'components',
    'servers',
    'security',
    'info',
    'tags',
    'openapi',
    MAX_BODY_BYTES_KEYWORD,
  ]);
  if (base.openapi !== head.openapi) judge.cannotJudge.add('#/openapi');
  // Ada's limit on a request body: a smaller one refuses requests it accepted.
  const bodyLimit = compareBound(base[MAX_BODY_BYTES_KEYWORD], head[MAX_BODY_BYTES_KEYWORD], 'max');
  if (bodyLimit !== 'same')
    judge.add(
      '(every request)',
      `${MAX_BODY_BYTES_KEYWORD} ${base[MAX_BODY_BYTES_KEYWORD] ?? 'none'} → ${head[MAX_BODY_BYTES_KEYWORD] ?? 'none'}`,
      isBreaking('request', bodyLimit),
    );

  compareServers(judge, base.servers, head.servers);
  for (const [kind, key] of [
    ['path', 'paths'],
    ['webhook', 'webhooks'],
  ] as const) {
    const before: Record<string, Json> = base[key] ?? {};
    const after: Record<string, Json> = head[key] ?? {};
    for (const name of Object.keys(before)) {
      const label = kind === 'webhook' ? `webhook ${name}` : name;
      if (!Object.hasOwn(after, name)) judge.add(label, `${kind} removed`, true);
      else
        comparePathItem(
          judge,
          kind,
          name,
          judge.locate(base, before[name], child(`#/${key}`, name)),
          judge.locate(head, after[name], child(`#/${key}`, name)),
        );
    }
    for (const name of Object.keys(after))
      if (!Object.hasOwn(before, name)) judge.add(kind === 'webhook' ? `webhook ${name}` : name, `${kind} added`, false);
  }
  compareComponents(judge);
  return { changes: judge.changes, cannotJudge: [...judge.cannotJudge].sort() };
}

/** The base URL clients build: a server URL or variable that changes moves every call. */
function compareServers(judge: Judge, before: Json[] = [], after: Json[] = []): void {
  const shape = (server: Json) =>
    JSON.stringify({
      url: server.url,
      variables: Object.fromEntries(
        Object.entries<Json>(server.variables ?? {}).map(([name, v]) => [name, { enum: v.enum, default: v.default }]),
      ),
    });
  const kept = new Set(after.map(shape));
  for (const server of before) if (!kept.has(shape(server))) judge.add(`server ${server.url}`, 'server removed or changed', true);
  for (const server of after) if (!before.some((b) => shape(b) === shape(server))) judge.add(`server ${server.url}`, 'server added', false);
}

function comparePathItem(judge: Judge, kind: 'path' | 'webhook', name: string, before: Located, after: Located): void {
  judge.account(before, after, [...METHODS, 'parameters']);
  for (const method of METHODS.filter((m) => before.node[m])) {
    const where = kind === 'webhook' ? `webhook ${name} (${method.toUpperCase()})` : `${method.toUpperCase()} ${name}`;
    if (!after.node[method]) {
      judge.add(where, 'operation removed', true);
      continue;
    }
    compareOperation(judge, kind, where, before, after, method);
  }
  for (const method of METHODS.filter((m) => after.node[m] && !before.node[m])) {
    judge.add(
      kind === 'webhook' ? `webhook ${name} (${method.toUpperCase()})` : `${method.toUpperCase()} ${name}`,
      'operation added',
      false,
    );
  }
}

function compareOperation(
  judge: Judge,
  kind: 'path' | 'webhook',
  where: string,
  baseItem: Located,
  headItem: Located,
  method: string,
): void {
  const { base, head } = judge;
  const before = judge.locate(base, baseItem.node[method], baseItem.keyAt(method));
  const after = judge.locate(head, headItem.node[method], headItem.keyAt(method));
  judge.account(
    before,
    after,
    ['operationId', 'parameters', 'requestBody', 'responses', 'security', EXCLUSIVE_GROUPS_KEYWORD],
    OPERATION_ANNOTATIONS,
  );
  compareExclusiveGroups(judge, where, before.node[EXCLUSIVE_GROUPS_KEYWORD], after.node[EXCLUSIVE_GROUPS_KEYWORD]);
  if (before.node.operationId !== after.node.operationId) {
    judge.add(
      where,
      `operationId ${before.node.operationId ?? 'none'} → ${after.node.operationId ?? 'none'} (generated code names the operation by it)`,
      true,
    );
  }
  // A webhook's payload is read by its receiver (as a response is); what the receiver answers is read by the sender.
  const [into, outOf]: [Side, Side] = kind === 'webhook' ? ['response', 'request'] : ['request', 'response'];

  compareParameters(judge, into, where, baseItem, headItem, before, after);
  compareSecurity(judge, where, before.node.security ?? base.security, after.node.security ?? head.security);

  const bodyBefore = before.node.requestBody && judge.locate(base, before.node.requestBody, before.keyAt('requestBody'));
  const bodyAfter = after.node.requestBody && judge.locate(head, after.node.requestBody, after.keyAt('requestBody'));
  const bodyWhere = kind === 'webhook' ? `${where} payload` : `${where} request body`;
  if (bodyBefore && bodyAfter) {
    judge.account(bodyBefore, bodyAfter, ['content', 'required']);
    if (!bodyBefore.node.required && bodyAfter.node.required && into === 'request') judge.add(bodyWhere, 'now required', true);
    if (bodyBefore.node.required && !bodyAfter.node.required && into === 'response') judge.add(bodyWhere, 'no longer required', true);
    compareContent(judge, into, bodyWhere, bodyBefore, bodyAfter);
  } else if (bodyBefore) {
    judge.add(bodyWhere, 'removed', true);
  } else if (bodyAfter) {
    judge.add(
      bodyWhere,
      bodyAfter.node.required ? 'required body added' : 'optional body added',
      Boolean(bodyAfter.node.required) && into === 'request',
    );
  }

  const responsesBefore = judge.locate(base, before.node.responses ?? {}, before.keyAt('responses'));
  const responsesAfter = judge.locate(head, after.node.responses ?? {}, after.keyAt('responses'));
  for (const status of Object.keys(responsesBefore.node)) {
    const at = `${where} response ${status}`;
    if (!Object.hasOwn(responsesAfter.node, status)) {
      judge.add(at, 'response removed', true);
      continue;
    }
    const responseBefore = judge.locate(base, responsesBefore.node[status], responsesBefore.keyAt(status));
    const responseAfter = judge.locate(head, responsesAfter.node[status], responsesAfter.keyAt(status));
    judge.account(responseBefore, responseAfter, ['content'], [...ANNOTATIONS, 'links']);
    compareContent(judge, outOf, at, responseBefore, responseAfter);
  }
  for (const status of Object.keys(responsesAfter.node)) {
    if (!Object.hasOwn(responsesBefore.node, status)) judge.add(`${where} response ${status}`, 'response added', false);
  }
}

/**
 * `x-exclusive-parameter-groups` (the kit's validators enforce it): parameters of different groups may
 * not be sent together. A pair of parameters that could be combined and no longer can breaks callers;
 * a pair freed is safe.
 */
function compareExclusiveGroups(judge: Judge, where: string, before: string[][] = [], after: string[][] = []): void {
  const forbidden = (groups: string[][]) =>
    new Set(
      groups.flatMap((group, i) =>
        groups.slice(i + 1).flatMap((other) => group.flatMap((a) => other.map((b) => [a, b].sort().join(' with ')))),
      ),
    );
  const pairsBefore = forbidden(before);
  const pairsAfter = forbidden(after);
  for (const pair of pairsAfter)
    if (!pairsBefore.has(pair)) judge.add(`${where} parameters`, `${pair} may no longer be sent together`, true);
  for (const pair of pairsBefore) if (!pairsAfter.has(pair)) judge.add(`${where} parameters`, `${pair} may now be sent together`, false);
}

/** Media types of a body: one removed breaks who sends (request) or reads (response) it; one added is new. */
function compareContent(judge: Judge, side: Side, where: string, before: Located, after: Located): void {
  const content = (located: Located, doc: Json) => judge.locate(doc, located.node.content ?? {}, located.keyAt('content'));
  const mediaBefore = content(before, judge.base);
  const mediaAfter = content(after, judge.head);
  const label = (type: string) => (type === 'application/json' ? where : `${where} (${type})`);
  for (const type of Object.keys(mediaBefore.node)) {
    if (!Object.hasOwn(mediaAfter.node, type)) {
      judge.add(label(type), `media type ${type} removed`, true);
      continue;
    }
    const typeBefore = judge.locate(judge.base, mediaBefore.node[type], mediaBefore.keyAt(type));
    const typeAfter = judge.locate(judge.head, mediaAfter.node[type], mediaAfter.keyAt(type));
    judge.account(typeBefore, typeAfter, ['schema']);
    if (typeBefore.node.schema !== undefined && typeAfter.node.schema !== undefined) {
      compareSchemas(
        judge,
        side,
        label(type),
        '',
        judge.locate(judge.base, typeBefore.node.schema, typeBefore.keyAt('schema')),
        judge.locate(judge.head, typeAfter.node.schema, typeAfter.keyAt('schema')),
      );
    } else if (typeBefore.node.schema !== undefined || typeAfter.node.schema !== undefined) {
      judge.add(label(type), `schema ${typeAfter.node.schema === undefined ? 'removed' : 'added'}`, true);
    }
  }
  for (const type of Object.keys(mediaAfter.node))
    if (!Object.hasOwn(mediaBefore.node, type)) judge.add(label(type), `media type ${type} added`, false);
}

/**
 * Parameters, by who reads them: an operation's are sent by its callers (`request`: a tighter one
 * breaks them); a webhook's are read by its receivers (`response`: one they relied on that may now be
 * absent, or hold what it could not, breaks them; one added they ignore).
 */
function compareParameters(
  judge: Judge,
  side: Side,
  where: string,
  baseItem: Located,
  headItem: Located,
  before: Located,
  after: Located,
): void {
  const collect = (doc: Json, item: Located, operation: Located) => {
    const byKey = new Map<string, Located>();
    for (const holder of [item, operation]) {
      const list = judge.locate(doc, holder.node.parameters ?? [], holder.keyAt('parameters'));
      (list.node as Json[]).forEach((raw, index) => {
        const param = judge.locate(doc, raw, child(list.at, String(index)));
        byKey.set(`${param.node.in}:${param.node.name}`, param); // an operation's own overrides the path item's
      });
    }
    return byKey;
  };
  const paramsBefore = collect(judge.base, baseItem, before);
  const paramsAfter = collect(judge.head, headItem, after);
  for (const [key, param] of paramsBefore) {
    const at = `${where} ${param.node.in} parameter ${param.node.name}`;
    const next = paramsAfter.get(key);
    if (!next) {
      judge.add(at, 'parameter removed', true);
      continue;
    }
    judge.account(param, next, ['name', 'in', 'required', 'schema']);
    if (!param.node.required && next.node.required) judge.add(at, 'now required', side === 'request');
    if (param.node.required && !next.node.required) judge.add(at, 'no longer required', side === 'response');
    compareSchemas(
      judge,
      side,
      at,
      '',
      judge.locate(judge.base, param.node.schema ?? {}, param.keyAt('schema')),
      judge.locate(judge.head, next.node.schema ?? {}, next.keyAt('schema')),
      '(value)',
    );
  }
  for (const [key, param] of paramsAfter) {
    if (!paramsBefore.has(key)) {
      const required = Boolean(param.node.required);
      judge.add(
        `${where} ${param.node.in} parameter ${param.node.name}`,
        required ? 'required parameter added' : 'optional parameter added',
        required && side === 'request',
      );
    }
  }
}

/**
 * Security requirements, as the schemes they name (by definition, not by name): every way a client
 * could authenticate before must still be enough (a head alternative whose schemes it already meets).
 */
function compareSecurity(judge: Judge, where: string, before: Json[] | undefined, after: Json[] | undefined): void {
  const alternatives = (doc: Json, requirements: Json[] | undefined) =>
    (requirements ?? [{}]).map(
      (requirement: Record<string, string[]>) =>
        new Set(
          Object.entries(requirement).map(([name, scopes]) => {
            const { description: _description, ...scheme } = doc.components?.securitySchemes?.[name] ?? { missing: name };
            return JSON.stringify({ scheme, scopes: [...(scopes ?? [])].sort() });
          }),
        ),
    );
  const has = (outer: Set<string>, inner: Set<string>) => [...inner].every((item) => outer.has(item));
  const altsBefore = alternatives(judge.base, before);
  const altsAfter = alternatives(judge.head, after);
  const lost = altsBefore.filter((b) => !altsAfter.some((a) => has(b, a)));
  if (lost.length > 0)
    judge.add(
      `${where} security`,
      'a way to authenticate that worked before no longer does (scheme replaced, changed or added as a requirement)',
      true,
    );
  else if (altsAfter.some((a) => !altsBefore.some((b) => has(a, b) && has(b, a))))
    judge.add(`${where} security`, 'security requirements relaxed or extended', false);
}

const isBreaking = (side: Side, verdict: Verdict) =>
  verdict === 'changed' || (side === 'request' ? verdict === 'tighter' : verdict === 'looser');

/** The kit's own rules that are not bounds (a bound is judged with the others): added or changed tightens. */
const KIT_RULES = Object.keys(KIT_SCHEMA_KEYWORDS).filter((k) => KIT_SCHEMA_KEYWORDS[k]!.kind === 'rule' && !KIT_SCHEMA_KEYWORDS[k]!.bound);

/** `whole` names the schema's own root in messages: `(body)` for a body, `(value)` for a parameter. */
function compareSchemas(judge: Judge, side: Side, where: string, pointer: string, before: Located, after: Located, whole = '(body)'): void {
  if (!judge.firstVisit(before, after, side, where)) return;
  const at = `${where} ${pointer || whole}`;
  const report = (what: string, verdict: Verdict) => {
    if (verdict !== 'same') judge.add(at, what, isBreaking(side, verdict));
  };
  if (typeof before.node === 'boolean' || typeof after.node === 'boolean') {
    if (before.node !== after.node)
      report(`schema ${quote(before.node)} → ${quote(after.node)}`, after.node === false || before.node === true ? 'tighter' : 'looser');
    return;
  }
  const b: Json = before.node ?? {};
  const a: Json = after.node ?? {};
  judge.account(before, after, SCHEMA_RULES, SCHEMA_ANNOTATIONS); // every other keyword must stay as it was

  const types = (s: Json) => (s.type === undefined ? undefined : [s.type].flat().map(String));
  report(describeSet('type', types(b), types(a)), compareTypes(types(b), types(a)));
  report(describeSet('enum', b.enum, a.enum), compareSets(b.enum, a.enum));
  if ('const' in b || 'const' in a)
    report('const changed', compareSets('const' in b ? [b.const] : undefined, 'const' in a ? [a.const] : undefined));
  for (const direction of ['max', 'min'] as const)
    for (const keyword of BOUNDS[direction])
      report(`${keyword} ${b[keyword] ?? 'none'} → ${a[keyword] ?? 'none'}`, compareBound(b[keyword], a[keyword], direction));
  for (const keyword of ['pattern', 'format'])
    report(`${keyword} ${clip(String(b[keyword] ?? 'none'))} → ${clip(String(a[keyword] ?? 'none'))}`, compareRule(b[keyword], a[keyword]));
  report(
    'not changed',
    compareRule(b.not === undefined ? undefined : JSON.stringify(b.not), a.not === undefined ? undefined : JSON.stringify(a.not)),
  );
  // The kit's own rules (x-disjoint-keys: keys of several objects may not overlap): added or changed tightens.
  for (const keyword of KIT_RULES)
    report(
      `${keyword} ${quote(b[keyword] ?? 'none')} → ${quote(a[keyword] ?? 'none')}`,
      compareRule(b[keyword] && JSON.stringify(b[keyword]), a[keyword] && JSON.stringify(a[keyword])),
    );
  const sub = (
    key: string,
    suffix: string,
    from: Json = b[key],
    to: Json = a[key],
    keyBefore = before.keyAt(key),
    keyAfter = after.keyAt(key),
  ) =>
    compareSchemas(
      judge,
      side,
      where,
      `${pointer}${suffix}`,
      judge.locate(judge.base, from, keyBefore),
      judge.locate(judge.head, to, keyAfter),
      whole,
    );

  // Properties: which may appear, which must.
  const propsBefore: Record<string, Json> = b.properties ?? {};
  const propsAfter: Record<string, Json> = a.properties ?? {};
  const requiredBefore = new Set<string>(b.required ?? []);
  const requiredAfter = new Set<string>(a.required ?? []);
  for (const name of Object.keys(propsBefore)) {
    const path = `${pointer}/${escapePointerSegment(name)}`;
    if (!Object.hasOwn(propsAfter, name)) {
      if (side === 'response') judge.add(`${where} ${path}`, 'property removed', true);
      else
        judge.add(
          `${where} ${path}`,
          a.additionalProperties === false ? 'property no longer accepted' : 'property removed',
          a.additionalProperties === false,
        );
      continue;
    }
    sub(
      'properties',
      `/${escapePointerSegment(name)}`,
      propsBefore[name],
      propsAfter[name],
      child(before.keyAt('properties'), name),
      child(after.keyAt('properties'), name),
    );
  }
  for (const name of Object.keys(propsAfter)) {
    if (!Object.hasOwn(propsBefore, name)) {
      judge.add(
        `${where} ${pointer}/${escapePointerSegment(name)}`,
        requiredAfter.has(name) ? 'required property added' : 'optional property added',
        side === 'request' && requiredAfter.has(name),
      );
    }
  }
  for (const name of requiredAfter)
    if (!requiredBefore.has(name) && Object.hasOwn(propsBefore, name))
      judge.add(`${where} ${pointer}/${name}`, 'now required', side === 'request');
  for (const name of requiredBefore)
    if (!requiredAfter.has(name) && Object.hasOwn(propsAfter, name))
      judge.add(`${where} ${pointer}/${name}`, 'no longer required', side === 'response');
  for (const name of requiredAfter)
    if (!requiredBefore.has(name) && !Object.hasOwn(propsBefore, name) && !Object.hasOwn(propsAfter, name))
      judge.add(`${where} ${pointer}/${name}`, 'now required', side === 'request');

  // Other keys: forbidden (false), free (true or absent), or held to a schema.
  const extraBefore = b.additionalProperties;
  const extraAfter = a.additionalProperties;
  if (typeof extraBefore === 'object' && typeof extraAfter === 'object') sub('additionalProperties', '/*');
  else if ((extraBefore === false) !== (extraAfter === false)) {
    report(
      `additionalProperties ${extraBefore === false ? 'false' : 'allowed'} → ${extraAfter === false ? 'false' : 'allowed'}`,
      extraAfter === false ? 'tighter' : 'looser',
    );
  } else if (typeof extraBefore === 'object' || typeof extraAfter === 'object') {
    report('additionalProperties schema added or removed', typeof extraAfter === 'object' ? 'tighter' : 'looser');
  }
  if (b.items !== undefined && a.items !== undefined) sub('items', '/[]');
  else if (b.items !== undefined || a.items !== undefined)
    report(`items ${a.items === undefined ? 'removed' : 'added'}`, a.items === undefined ? 'looser' : 'tighter');
  if (b.propertyNames !== undefined && a.propertyNames !== undefined) sub('propertyNames', '/{key}');
  else if (b.propertyNames !== undefined || a.propertyNames !== undefined) {
    report(`propertyNames ${a.propertyNames === undefined ? 'removed' : 'added'}`, a.propertyNames === undefined ? 'looser' : 'tighter');
  }
  for (const keyword of ['anyOf', 'oneOf', 'allOf'] as const)
    compareBranches(judge, side, where, pointer, keyword, before, after, report, whole);
}

/**
 * anyOf / oneOf / allOf: branches equal on both sides pair up; a branch added or removed loosens or
 * tightens (allOf the other way round); the rest pair up by position and are compared as schemas. A
 * oneOf that gains or loses a branch may also change which values match exactly one: both directions.
 */
function compareBranches(
  judge: Judge,
  side: Side,
  where: string,
  pointer: string,
  keyword: 'anyOf' | 'oneOf' | 'allOf',
  before: Located,
  after: Located,
  report: (what: string, verdict: Verdict) => void,
  whole: string,
): void {
  const listBefore: Json[] | undefined = before.node[keyword];
  const listAfter: Json[] | undefined = after.node[keyword];
  if (listBefore === undefined && listAfter === undefined) return;
  if (listBefore === undefined || listAfter === undefined) {
    const added = listBefore === undefined;
    report(`${keyword} ${added ? 'added' : 'removed'}`, keyword === 'oneOf' ? 'changed' : added ? 'tighter' : 'looser');
    return;
  }
  const resolved = (doc: Json, list: Json[], located: Located) =>
    list.map((branch, index) => judge.locate(doc, branch, child(located.keyAt(keyword), String(index))));
  const branchesBefore = resolved(judge.base, listBefore, before);
  const branchesAfter = resolved(judge.head, listAfter, after).map((branch, index) => ({ branch, index }));
  // Pair equal branches first (a reordering is no change), then the rest by position. Every pair is
  // compared: two branches that read the same may refer to schemas that changed.
  const pairs: Array<[Located, Located, number]> = [];
  const unmatchedAfter = [...branchesAfter];
  const unmatchedBefore = branchesBefore.filter((branch) => {
    const twin = unmatchedAfter.findIndex((other) => deepEqual(other.branch.node, branch.node));
    if (twin === -1) return true;
    const [{ branch: other, index }] = unmatchedAfter.splice(twin, 1) as [{ branch: Located; index: number }];
    pairs.push([branch, other, index]);
    return false;
  });
  const positional = Math.min(unmatchedBefore.length, unmatchedAfter.length);
  for (let i = 0; i < positional; i++) pairs.push([unmatchedBefore[i]!, unmatchedAfter[i]!.branch, unmatchedAfter[i]!.index]);
  for (const [from, to, index] of pairs) compareSchemas(judge, side, where, `${pointer}/${keyword}[${index}]`, from, to, whole);
  if (unmatchedAfter.length > positional)
    report(`${keyword} branch added`, keyword === 'oneOf' ? 'changed' : keyword === 'anyOf' ? 'looser' : 'tighter');
  if (unmatchedBefore.length > positional)
    report(`${keyword} branch removed`, keyword === 'oneOf' ? 'changed' : keyword === 'anyOf' ? 'tighter' : 'looser');
}

/**
 * Components: where a walk reached them, judged there. A component no walk reached that differs cannot
 * be judged; one removed from a section openapi-typescript exports breaks code that names its type.
 */
function compareComponents(judge: Judge): void {
  const { base, head } = judge;
  const sections = new Set([...Object.keys(base.components ?? {}), ...Object.keys(head.components ?? {})]);
  for (const section of sections) {
    const before: Record<string, Json> = base.components?.[section] ?? {};
    const after: Record<string, Json> = head.components?.[section] ?? {};
    for (const name of new Set([...Object.keys(before), ...Object.keys(after)])) {
      const pointer = child(child('#/components', section), name);
      if (!Object.hasOwn(after, name)) {
        if (TYPED_COMPONENTS.includes(section)) judge.add(pointer, 'component removed (the generated types export it)', true);
        continue;
      }
      if (!Object.hasOwn(before, name)) {
        if (TYPED_COMPONENTS.includes(section)) judge.add(pointer, 'component added', false);
        continue;
      }
      // Examples only document; security schemes are judged where operations require them.
      if (section === 'examples' || section === 'securitySchemes' || judge.visited.has(pointer)) continue;
      if (!deepEqual(before[name], after[name])) judge.cannotJudge.add(pointer);
    }
  }
}

/** Type sets: undefined means any type; an integer is a number. */
function compareTypes(before?: string[], after?: string[]): Verdict {
  const within = (inner: string[] | undefined, outer: string[] | undefined) =>
    outer === undefined || (inner?.every((t) => outer.includes(t) || (t === 'integer' && outer.includes('number'))) ?? false);
  const lost = !within(before, after);
  const gained = !within(after, before);
  return lost && gained ? 'changed' : lost ? 'tighter' : gained ? 'looser' : 'same';
}

/** Value sets: undefined means "anything". */
function compareSets(before?: unknown[], after?: unknown[]): Verdict {
  if (before === undefined && after === undefined) return 'same';
  if (before === undefined) return 'tighter';
  if (after === undefined) return 'looser';
  const a = new Set(before.map((v) => JSON.stringify(v)));
  const b = new Set(after.map((v) => JSON.stringify(v)));
  const lost = [...a].some((v) => !b.has(v));
  const gained = [...b].some((v) => !a.has(v));
  return lost && gained ? 'changed' : lost ? 'tighter' : gained ? 'looser' : 'same';
}

/** Values a line quotes, at most: an enum of 200,000 values is not a line someone reads. */
const MAX_QUOTED_VALUES = 8;

function describeSet(keyword: string, before?: unknown[], after?: unknown[]): string {
  const show = (values?: unknown[]) =>
    values === undefined
      ? 'any'
      : values
          .slice(0, MAX_QUOTED_VALUES)
          .map((v) => quote(v))
          .join('|') + (values.length > MAX_QUOTED_VALUES ? `|… (${values.length} values)` : '');
  return `${keyword} ${show(before)} → ${show(after)}`;
}

/** A value as a line quotes it: JSON, cut at 80 characters. */
function quote(value: unknown): string {
  return clip(JSON.stringify(value) ?? String(value));
}

function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}

function compareBound(before: number | undefined, after: number | undefined, kind: 'max' | 'min'): Verdict {
  if (before === after) return 'same';
  const none = kind === 'max' ? Infinity : -Infinity;
  const [b, a] = [before ?? none, after ?? none];
  return (kind === 'max' ? a < b : a > b) ? 'tighter' : 'looser';
}

/** A rule that is either absent (anything goes) or present; two different rules are not comparable. */
function compareRule(before?: string, after?: string): Verdict {
  if (before === after) return 'same';
  if (before === undefined) return 'tighter';
  if (after === undefined) return 'looser';
  return 'changed';
}
