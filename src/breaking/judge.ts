// The breaking-change checker's bookkeeping and verdicts: a Judge accounts for every key it visits (fail
// closed), and the small comparisons every part of the walk shares (type sets, value sets, bounds, rules),
// with how a change is worded in a line.
import { childPointer as child, type Json, mergeRefChain, refChain } from '../contract/json-pointer.js';
import { ANNOTATIONS } from '../contract/keywords.js';

export type Side = 'request' | 'response';
export type Verdict = 'same' | 'tighter' | 'looser' | 'changed';

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

/** A node of one spec, with where it is. A `$ref` is followed; its siblings (OpenAPI 3.1) are kept. */
export interface Located {
  node: Json;
  /** Pointer of the node (the `$ref`'s target, where there was one). */
  at: string;
  /** Pointer of one of its keys: the referencing object's, for a sibling of the `$ref`. */
  keyAt(key: string): string;
}

export const deepEqual = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
export { child };

export class Judge {
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

export const isBreaking = (side: Side, verdict: Verdict) =>
  verdict === 'changed' || (side === 'request' ? verdict === 'tighter' : verdict === 'looser');

/** Type sets: undefined means any type; an integer is a number. */
export function compareTypes(before?: string[], after?: string[]): Verdict {
  const within = (inner: string[] | undefined, outer: string[] | undefined) =>
    outer === undefined || (inner?.every((t) => outer.includes(t) || (t === 'integer' && outer.includes('number'))) ?? false);
  const lost = !within(before, after);
  const gained = !within(after, before);
  return lost && gained ? 'changed' : lost ? 'tighter' : gained ? 'looser' : 'same';
}

/** Value sets: undefined means "anything". */
export function compareSets(before?: unknown[], after?: unknown[]): Verdict {
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
export const MAX_QUOTED_VALUES = 8;

export function describeSet(keyword: string, before?: unknown[], after?: unknown[]): string {
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
export function quote(value: unknown): string {
  return clip(JSON.stringify(value) ?? String(value));
}

export function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}

export function compareBound(before: number | undefined, after: number | undefined, kind: 'max' | 'min'): Verdict {
  if (before === after) return 'same';
  const none = kind === 'max' ? Infinity : -Infinity;
  const [b, a] = [before ?? none, after ?? none];
  return (kind === 'max' ? a < b : a > b) ? 'tighter' : 'looser';
}

/** The integer formats of OpenAPI's format registry: ranges, not shapes. */
const INTEGER_FORMATS: Readonly<Record<string, readonly [number, number]>> = {
  int32: [-(2 ** 31), 2 ** 31 - 1],
  int64: [-(2 ** 63), 2 ** 63 - 1],
};

/**
 * A format change. int32 and int64 are judged as the range they add to the schema's own bounds (taken
 * from `before`, whose changes the bounds' own lines report): `format: int32` on an integer of 1..100
 * narrows nothing ('same'), on an unbounded one it tightens. Any other format is a rule (compareRule).
 */
export function compareFormat(before: Json, after: Json): Verdict {
  const [from, to] = [before.format, after.format];
  const ranged = (format: unknown) => format === undefined || (typeof format === 'string' && Object.hasOwn(INTEGER_FORMATS, format));
  if (from === to || !ranged(from) || !ranged(to)) return compareRule(from, to);
  const range = (format: string | undefined) => {
    const [low, high] = format === undefined ? [-Infinity, Infinity] : INTEGER_FORMATS[format]!;
    return [
      Math.max(low, before.minimum ?? -Infinity, before.exclusiveMinimum ?? -Infinity),
      Math.min(high, before.maximum ?? Infinity, before.exclusiveMaximum ?? Infinity),
    ] as const;
  };
  const [b, a] = [range(from), range(to)];
  if (a[0] === b[0] && a[1] === b[1]) return 'same';
  if (a[0] >= b[0] && a[1] <= b[1]) return 'tighter';
  return a[0] <= b[0] && a[1] >= b[1] ? 'looser' : 'changed';
}

/** A rule that is either absent (anything goes) or present; two different rules are not comparable. */
export function compareRule(before?: string, after?: string): Verdict {
  if (before === after) return 'same';
  if (before === undefined) return 'tighter';
  if (after === undefined) return 'looser';
  return 'changed';
}
