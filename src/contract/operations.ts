// The table of operations and webhooks, derived from the bundled spec: what each one takes (parameters,
// body) and answers (statuses, schemas, named examples), as JSON pointers the validators compile. The
// validators, the client's plumbing, the arbitraries and the mock's examples read this table, so an
// operation added to the spec needs no hand-written list anywhere.
import { escapePointerSegment, type Json, pointerGet, type SpecReader } from './json-pointer.js';
import { EXCLUSIVE_GROUPS_KEYWORD, IDEMPOTENT_WHEN_KEYWORD } from './keywords.js';
import { bundledSpec } from './spec.js';

export type HttpMethod = 'get' | 'put' | 'post' | 'delete' | 'patch';
const METHODS: readonly HttpMethod[] = ['get', 'put', 'post', 'delete', 'patch'];

export interface ParameterInfo {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required: boolean;
  /** The Parameter object (its `$ref`s followed), e.g. `#/components/parameters/Limit`. */
  pointer: string;
}

export interface MediaInfo {
  /** The JSON schema of the `application/json` content, where there is one. */
  schema?: string;
  /** Named examples, by name, with their values. */
  examples: Record<string, unknown>;
}

export interface OperationInfo {
  operationId: string;
  method: HttpMethod;
  /** The path as the spec spells it, e.g. `/v2/end-users/{end_user_id}`. */
  path: string;
  /** The Operation object. */
  pointer: string;
  parameters: ParameterInfo[];
  /** `x-exclusive-parameter-groups`: parameters of different groups may not be sent together. */
  exclusiveGroups: string[][];
  /**
   * Whether sending a request twice is safe: `true` for every method but POST (Ada's PATCH sets fields,
   * so the same body twice leaves the same end user); for a POST, a JSON pointer into the body
   * (`x-idempotent-when`): safe when the body holds a non-empty string there; `false` otherwise.
   */
  idempotent: boolean | { whenBodyHas: string };
  body?: MediaInfo & { required: boolean };
  /** By status (`200`, `4XX`, `default`). */
  responses: Record<string, MediaInfo>;
}

export interface WebhookInfo extends OperationInfo {
  /** The event type, e.g. `v1.end_user.created` (the webhook's name in the spec). */
  event: string;
}

/** The operations and webhooks of a spec: the bundled one's below; the generator reads a fresh bundle's. */
export interface OperationTable {
  operations: Readonly<Record<string, OperationInfo>>;
  webhooks: Readonly<Record<string, WebhookInfo>>;
}

export function describeSpec(spec: SpecReader): OperationTable {
  const { nodeAt, followRefs } = spec;

  function media(holderPointer: string): MediaInfo | undefined {
    const pointer = followRefs(holderPointer);
    const holder = nodeAt(pointer) as Json;
    const json = holder?.content?.['application/json'];
    if (!json) return holder?.content ? { examples: {} } : undefined;
    const at = `${pointer}/content/${escapePointerSegment('application/json')}`;
    return {
      ...(json.schema ? { schema: followRefs(`${at}/schema`) } : {}),
      examples: Object.fromEntries(
        Object.keys(json.examples ?? {}).map((name) => {
          const example = nodeAt(followRefs(`${at}/examples/${escapePointerSegment(name)}`)) as { value: unknown };
          return [name, example.value];
        }),
      ),
    };
  }

  function describeOperation(section: 'paths' | 'webhooks', path: string, method: HttpMethod): OperationInfo {
    const itemPointer = followRefs(`#/${section}/${escapePointerSegment(path)}`);
    const pointer = `${itemPointer}/${method}`;
    const operation = nodeAt(pointer) as Json;
    const item = nodeAt(itemPointer) as Json;
    const parameters = new Map<string, ParameterInfo>();
    for (const [holder, list] of [
      [itemPointer, item.parameters ?? []],
      [pointer, operation.parameters ?? []],
    ] as const) {
      (list as Json[]).forEach((_raw, index) => {
        const at = followRefs(`${holder}/parameters/${index}`);
        const parameter = nodeAt(at) as Json;
        // An operation's own parameter replaces the path item's of the same name and location.
        parameters.set(`${parameter.in}:${parameter.name}`, {
          name: parameter.name,
          in: parameter.in,
          required: Boolean(parameter.required),
          pointer: at,
        });
      });
    }
    const body = operation.requestBody ? media(`${pointer}/requestBody`) : undefined;
    const requestBody = operation.requestBody ? (nodeAt(followRefs(`${pointer}/requestBody`)) as Json) : undefined;
    return {
      operationId: operation.operationId,
      method,
      path,
      pointer,
      parameters: [...parameters.values()],
      exclusiveGroups: operation[EXCLUSIVE_GROUPS_KEYWORD] ?? [],
      idempotent:
        method !== 'post' ? true : operation[IDEMPOTENT_WHEN_KEYWORD] ? { whenBodyHas: operation[IDEMPOTENT_WHEN_KEYWORD] } : false,
      ...(body ? { body: { ...body, required: Boolean(requestBody?.required) } } : {}),
      responses: Object.fromEntries(
        Object.keys(operation.responses ?? {}).map((status) => [
          status,
          media(`${pointer}/responses/${escapePointerSegment(status)}`) ?? { examples: {} },
        ]),
      ),
    };
  }

  function collect<T>(section: 'paths' | 'webhooks', make: (path: string, method: HttpMethod) => T): T[] {
    const items = ((spec.document as Json)[section] ?? {}) as Record<string, Json>;
    return Object.entries(items).flatMap(([path]) => {
      const item = nodeAt(followRefs(`#/${section}/${escapePointerSegment(path)}`)) as Json;
      return METHODS.filter((method) => item[method]).map((method) => make(path, method));
    });
  }

  const operations: OperationTable['operations'] = Object.fromEntries(
    collect('paths', (path, method) => describeOperation('paths', path, method)).map((op) => [op.operationId, op]),
  );

  const webhooks: OperationTable['webhooks'] = Object.fromEntries(
    collect('webhooks', (event, method) => ({ ...describeOperation('webhooks', event, method), event })).map((hook) => [hook.event, hook]),
  );
  return { operations, webhooks };
}

/** Every operation of the spec, by operationId; every webhook, by event type. */
export const { operations, webhooks }: OperationTable = describeSpec(bundledSpec);

/**
 * Every schema a table names (parameters', bodies', responses'), as the pointers the validators take:
 * the generator writes a validator for each (generated/validators.js), and no other is needed at run time.
 */
export function validatedPointers(table: OperationTable): string[] {
  const pointers = new Set<string>();
  for (const op of [...Object.values(table.operations), ...Object.values(table.webhooks)]) {
    for (const parameter of op.parameters) pointers.add(`${parameter.pointer}/schema`);
    if (op.body?.schema) pointers.add(op.body.schema);
    for (const response of Object.values(op.responses)) if (response.schema) pointers.add(response.schema);
  }
  return [...pointers];
}

/**
 * The response an operation documents for a status: the status itself, else its range (`4XX`), else
 * `default`; undefined when none covers it.
 */
export function documentedResponse(operationId: string, status: number): OperationInfo['responses'][string] | undefined {
  const { responses } = operation(operationId);
  return responses[String(status)] ?? responses[`${String(status)[0]}XX`] ?? responses.default;
}

/** The operation with this operationId; throws for one the spec does not have. */
export function operation(operationId: string): OperationInfo {
  // Own keys only: `constructor` or `toString` must not find Object's.
  const found = Object.hasOwn(operations, operationId) ? operations[operationId] : undefined;
  if (!found) throw new Error(`the spec has no operation "${operationId}"; it has ${Object.keys(operations).join(', ')}`);
  return found;
}

/** Whether this request of the operation may be sent twice (see OperationInfo.idempotent). */
export function sendingTwiceIsSafe(operationId: string, body: unknown): boolean {
  const { idempotent } = operation(operationId);
  if (typeof idempotent === 'boolean') return idempotent;
  const value = pointerGet(body, idempotent.whenBodyHas);
  return typeof value === 'string' && value !== '';
}
