// Path items and webhooks: their operations, parameters, bodies, responses and security.
import type { Json } from '../contract/json-pointer.js';
import { ANNOTATIONS, EXCLUSIVE_GROUPS_KEYWORD, OPERATION_ANNOTATIONS } from '../contract/keywords.js';
import { child, type Judge, type Located, type Side } from './judge.js';
import { compareSchemas } from './schemas.js';

/** The operations a Path Item may hold (OpenAPI 3.1), by method. */
export const PATH_ITEM_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

export function comparePathItem(judge: Judge, kind: 'path' | 'webhook', name: string, before: Located, after: Located): void {
  judge.account(before, after, [...PATH_ITEM_METHODS, 'parameters']);
  for (const method of PATH_ITEM_METHODS.filter((m) => before.node[m])) {
    const where = kind === 'webhook' ? `webhook ${name} (${method.toUpperCase()})` : `${method.toUpperCase()} ${name}`;
    if (!after.node[method]) {
      judge.add(where, 'operation removed', true);
      continue;
    }
    compareOperation(judge, kind, where, before, after, method);
  }
  for (const method of PATH_ITEM_METHODS.filter((m) => after.node[m] && !before.node[m])) {
    judge.add(
      kind === 'webhook' ? `webhook ${name} (${method.toUpperCase()})` : `${method.toUpperCase()} ${name}`,
      'operation added',
      false,
    );
  }
}

export function compareOperation(
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
export function compareExclusiveGroups(judge: Judge, where: string, before: string[][] = [], after: string[][] = []): void {
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
export function compareContent(judge: Judge, side: Side, where: string, before: Located, after: Located): void {
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
export function compareParameters(
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
export function compareSecurity(judge: Judge, where: string, before: Json[] | undefined, after: Json[] | undefined): void {
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
