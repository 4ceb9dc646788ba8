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
// (docs/breaking-changes.md).
import type { Json } from '../contract/json-pointer.js';
import { MAX_BODY_BYTES_KEYWORD } from '../contract/keywords.js';
import { compareComponents } from './components.js';
import { child, type Comparison, compareBound, isBreaking, Judge, type Located } from './judge.js';
import { comparePathItem } from './operations.js';

export type { Change, Comparison } from './judge.js';

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
