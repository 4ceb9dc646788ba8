// Schemas, compared in the direction they are used: a request schema must go on accepting what it
// accepted, a response schema must not start producing what it did not.
import { escapePointerSegment, type Json } from '../contract/json-pointer.js';
import { BOUNDS, KIT_SCHEMA_KEYWORDS, SCHEMA_ANNOTATIONS, SCHEMA_RULES } from '../contract/keywords.js';
import {
  child,
  clip,
  compareBound,
  compareFormat,
  compareRule,
  compareSets,
  compareTypes,
  deepEqual,
  describeSet,
  isBreaking,
  type Judge,
  type Located,
  quote,
  type Side,
  type Verdict,
} from './judge.js';

/** The kit's own rules that are not bounds (a bound is judged with the others): added or changed tightens. */
export const KIT_RULES = Object.keys(KIT_SCHEMA_KEYWORDS).filter(
  (k) => KIT_SCHEMA_KEYWORDS[k]!.kind === 'rule' && !KIT_SCHEMA_KEYWORDS[k]!.bound,
);

/** `whole` names the schema's own root in messages: `(body)` for a body, `(value)` for a parameter. */
export function compareSchemas(
  judge: Judge,
  side: Side,
  where: string,
  pointer: string,
  before: Located,
  after: Located,
  whole = '(body)',
): void {
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
  const changed = (keyword: string) => `${keyword} ${clip(String(b[keyword] ?? 'none'))} → ${clip(String(a[keyword] ?? 'none'))}`;
  report(changed('pattern'), compareRule(b.pattern, a.pattern));
  const format = compareFormat(b, a);
  // An integer format within the schema's own bounds narrows nothing: listed, never breaking.
  if (format === 'same' && b.format !== a.format) judge.add(at, `${changed('format')} (within the schema's bounds)`, false);
  else report(changed('format'), format);
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
export function compareBranches(
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
