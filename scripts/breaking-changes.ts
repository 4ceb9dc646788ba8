// Which differences between two bundled specs break consumers. Direction matters: a request schema
// must go on accepting everything it accepted (tightening breaks callers), a response schema must not
// start producing anything it did not (loosening breaks readers). Schemas shared by both sides are
// judged at each place they are used. A focused checker for the keywords this spec uses, in the manner
// of the one GitHub runs over its own description; no maintained npm library for OpenAPI 3.1 diffing
// installs here (oasdiff is not on npm, @pb33f/openapi-changes downloads a binary, Optic is archived).

import { unescapePointerSegment } from '../src/spec.js';

type Json = any;
type Side = 'request' | 'response';
type Verdict = 'same' | 'tighter' | 'looser' | 'changed';

export interface Change {
  /** Where: `PATCH /v2/end-users/{end_user_id} request body /profile/external_id`. */
  where: string;
  what: string;
  breaking: boolean;
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

export function compareSpecs(base: Json, head: Json): Change[] {
  const changes: Change[] = [];
  const add = (where: string, what: string, breaking: boolean) => changes.push({ where, what, breaking });

  for (const [path, baseItem] of Object.entries<Json>(base.paths ?? {})) {
    const headItem = head.paths?.[path];
    if (!headItem) {
      add(path, 'path removed', true);
      continue;
    }
    for (const method of METHODS.filter((m) => baseItem[m])) {
      const where = `${method.toUpperCase()} ${path}`;
      const before = baseItem[method];
      const after = headItem[method];
      if (!after) {
        add(where, 'operation removed', true);
        continue;
      }
      compareParameters(base, head, [...(baseItem.parameters ?? []), ...(before.parameters ?? [])],
        [...(headItem.parameters ?? []), ...(after.parameters ?? [])], where, add);
      const baseBody = jsonSchemaOf(base, before.requestBody);
      const headBody = jsonSchemaOf(head, after.requestBody);
      if (baseBody && headBody) compareSchemas(base, head, baseBody, headBody, 'request', `${where} request body`, '', add, new Set());
      if (!deref(base, before.requestBody)?.required && deref(head, after.requestBody)?.required) add(`${where} request body`, 'now required', true);

      for (const status of Object.keys(before.responses ?? {})) {
        if (!(status in (after.responses ?? {}))) {
          add(`${where} response ${status}`, 'response removed', true);
          continue;
        }
        const baseSchema = jsonSchemaOf(base, before.responses[status]);
        const headSchema = jsonSchemaOf(head, after.responses[status]);
        if (baseSchema && headSchema) compareSchemas(base, head, baseSchema, headSchema, 'response', `${where} response ${status}`, '', add, new Set());
      }
      for (const status of Object.keys(after.responses ?? {})) {
        if (!(status in (before.responses ?? {}))) add(`${where} response ${status}`, 'response added', false);
      }
    }
    for (const method of METHODS.filter((m) => headItem[m] && !baseItem[m])) add(`${method.toUpperCase()} ${path}`, 'operation added', false);
  }
  for (const path of Object.keys(head.paths ?? {})) if (!base.paths?.[path]) add(path, 'path added', false);
  return changes;
}

function deref(doc: Json, node: Json): Json {
  let current = node;
  for (let hops = 0; current?.$ref && hops < 32; hops++) {
    const { $ref, ...siblings } = current;
    const target = String($ref).slice(2).split('/').reduce((at: Json, part: string) => at?.[unescapePointerSegment(part)], doc);
    current = Object.keys(siblings).length > 0 ? { ...target, ...siblings } : target;
  }
  return current;
}

function jsonSchemaOf(doc: Json, holder: Json): Json {
  return deref(doc, holder)?.content?.['application/json']?.schema;
}

function compareParameters(base: Json, head: Json, before: Json[], after: Json[], where: string, add: (w: string, m: string, b: boolean) => void) {
  const key = (p: Json) => `${p.in}:${p.name}`;
  const afterByKey = new Map(after.map((p) => [key(deref(head, p)), deref(head, p)]));
  const beforeKeys = new Set(before.map((p) => key(deref(base, p))));
  for (const raw of before) {
    const param = deref(base, raw);
    const next = afterByKey.get(key(param));
    const at = `${where} ${param.in} parameter ${param.name}`;
    if (!next) add(at, 'parameter removed', param.in === 'path');
    else compareSchemas(base, head, param.schema, next.schema, 'request', at, '', add, new Set());
  }
  for (const [k, param] of afterByKey) {
    if (!beforeKeys.has(k)) add(`${where} ${param.in} parameter ${param.name}`, param.required ? 'required parameter added' : 'optional parameter added', Boolean(param.required));
  }
}

const isBreaking = (side: Side, verdict: Verdict) =>
  verdict === 'changed' || (side === 'request' ? verdict === 'tighter' : verdict === 'looser');

function compareSchemas(
  base: Json, head: Json, baseRaw: Json, headRaw: Json, side: Side, where: string, pointer: string,
  add: (where: string, what: string, breaking: boolean) => void, seen: Set<string>,
): void {
  const visit = `${JSON.stringify(baseRaw?.$ref ?? '')}|${JSON.stringify(headRaw?.$ref ?? '')}|${pointer}`;
  if (seen.has(visit)) return;
  seen.add(visit);
  const before = deref(base, baseRaw) ?? {};
  const after = deref(head, headRaw) ?? {};
  const at = `${where} ${pointer || '(body)'}`;
  const report = (what: string, verdict: Verdict) => {
    if (verdict !== 'same') add(at, what, isBreaking(side, verdict));
  };

  const types = (s: Json) => (s.type === undefined ? undefined : [s.type].flat().map(String));
  report(describeSet('type', types(before), types(after)), compareSets(types(before), types(after)));
  report(describeSet('enum', before.enum, after.enum), compareSets(before.enum, after.enum));
  if ('const' in before || 'const' in after) report('const changed', JSON.stringify(before.const) === JSON.stringify(after.const) ? 'same' : 'changed');
  for (const keyword of ['maxLength', 'maxProperties', 'maxItems', 'maximum', 'x-max-json-bytes']) {
    report(`${keyword} ${before[keyword] ?? 'none'} → ${after[keyword] ?? 'none'}`, compareBound(before[keyword], after[keyword], 'max'));
  }
  for (const keyword of ['minLength', 'minProperties', 'minItems', 'minimum']) {
    report(`${keyword} ${before[keyword] ?? 'none'} → ${after[keyword] ?? 'none'}`, compareBound(before[keyword], after[keyword], 'min'));
  }
  for (const keyword of ['pattern', 'format']) {
    report(`${keyword} ${before[keyword] ?? 'none'} → ${after[keyword] ?? 'none'}`, compareRule(before[keyword], after[keyword]));
  }
  report(`propertyNames pattern ${before.propertyNames?.pattern ?? 'none'} → ${after.propertyNames?.pattern ?? 'none'}`,
    compareRule(deref(base, before.propertyNames)?.pattern, deref(head, after.propertyNames)?.pattern));
  report('not changed', compareRule(before.not === undefined ? undefined : JSON.stringify(before.not), after.not === undefined ? undefined : JSON.stringify(after.not)));

  // Properties: which may appear, which must.
  const baseProps: Record<string, Json> = before.properties ?? {};
  const headProps: Record<string, Json> = after.properties ?? {};
  const baseRequired = new Set<string>(before.required ?? []);
  const headRequired = new Set<string>(after.required ?? []);
  for (const name of Object.keys(baseProps)) {
    const child = `${pointer}/${name}`;
    if (!(name in headProps)) {
      if (side === 'response') add(`${where} ${child}`, 'property removed', true);
      else add(`${where} ${child}`, after.additionalProperties === false ? 'property no longer accepted' : 'property removed', after.additionalProperties === false);
      continue;
    }
    compareSchemas(base, head, baseProps[name], headProps[name], side, where, child, add, seen);
  }
  for (const name of Object.keys(headProps)) {
    if (!(name in baseProps)) add(`${where} ${pointer}/${name}`, headRequired.has(name) ? 'required property added' : 'optional property added', side === 'request' && headRequired.has(name));
  }
  for (const name of headRequired) if (!baseRequired.has(name) && name in baseProps) add(`${where} ${pointer}/${name}`, 'now required', side === 'request');
  for (const name of baseRequired) if (!headRequired.has(name) && name in headProps) add(`${where} ${pointer}/${name}`, 'no longer required', side === 'response');

  // Other keys: forbidden (false), free (true or absent), or held to a schema.
  const extraBefore = before.additionalProperties;
  const extraAfter = after.additionalProperties;
  if (typeof extraBefore === 'object' && typeof extraAfter === 'object') {
    compareSchemas(base, head, extraBefore, extraAfter, side, where, `${pointer}/*`, add, seen);
  } else if ((extraBefore === false) !== (extraAfter === false)) {
    report(`additionalProperties ${extraBefore === false ? 'false' : 'allowed'} → ${extraAfter === false ? 'false' : 'allowed'}`, extraAfter === false ? 'tighter' : 'looser');
  } else if (typeof extraBefore === 'object' || typeof extraAfter === 'object') {
    report('additionalProperties schema added or removed', typeof extraAfter === 'object' ? 'tighter' : 'looser');
  }
  if (before.items && after.items) compareSchemas(base, head, before.items, after.items, side, where, `${pointer}/[]`, add, seen);
}

/** undefined means "anything". */
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

function describeSet(keyword: string, before?: unknown[], after?: unknown[]): string {
  const show = (values?: unknown[]) => (values === undefined ? 'any' : values.map((v) => JSON.stringify(v)).join('|'));
  return `${keyword} ${show(before)} → ${show(after)}`;
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
