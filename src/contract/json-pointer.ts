// JSON pointers (RFC 6901) and local `$ref`s, for any document: the one resolver of the kit. The
// bundled spec (spec.ts), the arbitraries, the validators' own keywords and the breaking-change checker
// (which holds two documents at once) all read through it.

/**
 * JSON whose shape is only known at run time (a spec, a schema, a body being built), walked dynamically:
 * the one `any` of the kit, imported by name wherever such JSON is walked.
 */
// biome-ignore lint/suspicious/noExplicitAny: JSON of a shape known only at run time, walked dynamically
export type Json = any;

/** RFC 6901 escaping of one pointer segment. */
export function escapePointerSegment(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** The pointer of `key` inside the value at `pointer`. */
export function childPointer(pointer: string, key: string): string {
  return `${pointer}/${escapePointerSegment(key)}`;
}

/** RFC 6901 unescaping of one pointer segment. */
export function unescapePointerSegment(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** The value at a pointer (`#/a/b`, `/a/b`, or `''`/`#` for the whole) in `value`; undefined where there is none. */
export function pointerGet(value: unknown, pointer: string): unknown {
  const path = pointer.replace(/^#/, '');
  if (path === '') return value;
  if (!path.startsWith('/')) throw new Error(`not a JSON pointer: ${pointer}`);
  return path
    .slice(1)
    .split('/')
    .reduce<Json>((at, part) => (at !== null && typeof at === 'object' ? at[unescapePointerSegment(part)] : undefined), value);
}

/** One node of a `$ref` chain and where it is. */
export interface RefLink {
  node: Json;
  /** Its pointer in the document. */
  at: string;
}

/**
 * The nodes `node` (at `pointer`) leads through by its local `$ref`s in `doc`, itself first and the
 * node that is no `$ref` last. Throws for a `$ref` that is not local, and for one that loops.
 */
export function refChain(doc: unknown, node: unknown, pointer: string): RefLink[] {
  const chain: RefLink[] = [{ node, at: pointer }];
  for (let current = node as Json; typeof current?.$ref === 'string'; ) {
    const target = String(current.$ref);
    if (!target.startsWith('#')) throw new Error(`only local $refs can be followed, got ${target}`);
    if (chain.some((link) => link.at === target)) throw new Error(`$ref loop at ${target}`);
    current = pointerGet(doc, target);
    chain.push({ node: current, at: target });
  }
  return chain;
}

/**
 * The node a chain ends in, with the siblings of each `$ref` on the way applied over it (OpenAPI 3.1
 * honours them: `{$ref, description}` describes the target anew); the outermost wins.
 */
export function mergeRefChain(chain: readonly RefLink[]): Json {
  const last = chain.at(-1)!.node;
  if (chain.length === 1 || last === null || typeof last !== 'object' || Array.isArray(last)) return last;
  const merged: Json = {};
  for (const link of [...chain].reverse()) Object.assign(merged, link.node);
  delete merged.$ref;
  return merged;
}

/** Local pointers into one document: the bundled spec's (spec.ts), and a fresh bundle's for the generator. */
export interface SpecReader {
  document: Json;
  /** The node a local JSON pointer (`#/components/schemas/EndUser`) designates. */
  nodeAt(pointer: string): unknown;
  /** A node with its local `$ref`s followed to the end. */
  derefNode(node: Json): Json;
  /** The pointer itself, or where its `$ref`s lead. */
  followRefs(pointer: string): string;
}

export function specReader(document: Json): SpecReader {
  const nodeAt = (pointer: string): unknown => {
    if (!pointer.startsWith('#/')) throw new Error(`nodeAt: only local pointers are supported, got ${pointer}`);
    return pointerGet(document, pointer);
  };
  return {
    document,
    nodeAt,
    derefNode: (node) => refChain(document, node, '').at(-1)!.node,
    followRefs: (pointer) => refChain(document, nodeAt(pointer), pointer).at(-1)!.at,
  };
}
