// The typed client: thin methods over the core (core.ts), one per operation: which operation, which
// parts, what the answer means. Pages are ListPage (pagination.ts), which owns the next-page rules.
import type { components } from '../../generated/schema.js';
import { operation } from '../contract/operations.js';
import { validateEndUserResponse } from '../contract/validation.js';
import { type Answer, type ClientCore, createCore, type RawAnswer, type RequestOptions, type AdaClientOptions } from './core.js';
import { AdaValidationError, ContractViolationError } from './errors.js';
import { ListPage, type Page, PagePromise, PageTrail } from './pagination.js';
import type { Client } from 'openapi-fetch';
import type { RequestParts } from '../contract/validation.js';
import type { paths } from '../../generated/schema.js';

export type { AdaClientOptions, RawAnswer, RequestOptions, RetryInfo } from './core.js';
export { DEFAULT_MAX_RESPONSE_BYTES } from './core.js';
export type EndUser = components['schemas']['EndUser'];
export type UpdateEndUserRequest = components['schemas']['UpdateEndUserRequest'];
export type CreateEndUserRequest = components['schemas']['CreateEndUserRequest'];
export type EndUserPage = Page<EndUser>;
export type { Page, PagePromise } from './pagination.js';

export interface ListEndUsersParams {
  /** At most this many end users a page (1 to 100; Ada documents no default). */
  limit?: number;
  /** Start here (from a previous page; `getNextPage()` and `for await` follow pages for you). */
  cursor?: string;
}

export interface AdaClient {
  /** GET /v2/end-users/{end_user_id}: the end user. Throws NotFoundError (404) for an unknown id. */
  getEndUser(endUserId: string, options?: RequestOptions): Promise<EndUser>;
  /** PATCH /v2/end-users/{end_user_id}. Resolves to the updated end user; throws an AdaError otherwise. */
  updateEndUser(endUserId: string, body: UpdateEndUserRequest, options?: RequestOptions): Promise<EndUser>;
  /** GET /v2/end-users/?external_id=…: the end user that holds this external_id, or null (Ada's 404). */
  findEndUserByExternalId(externalId: string, options?: RequestOptions): Promise<EndUser | null>;
  /**
   * POST /v2/end-users/: `{ endUser, created }`, `created` true for a new end user (201), false for the
   * one that already holds the body's external_id (200). Without an external_id a create is not
   * idempotent, so it is retried only where Ada cannot have acted on it (429, no connection made).
   */
  createEndUser(body: CreateEndUserRequest, options?: RequestOptions): Promise<{ endUser: EndUser; created: boolean }>;
  /**
   * GET /v2/end-users/: awaited, one page (`data`, `nextPageUrl`, `hasNextPage()`, `getNextPage()`);
   * with `for await`, every end user across pages. A next_page_url elsewhere than this client's own
   * list URL is refused (ContractViolationError), never requested: it would carry the token.
   */
  listEndUsers(params?: ListEndUsersParams, options?: RequestOptions): PagePromise<EndUser>;
  /**
   * Any operation of the spec by operationId, any answer, for tools that judge answers themselves
   * (verifyProvider): the same checks, timeouts, limits and retries as every call, but a status is
   * returned rather than thrown (once the retries it calls for are spent), with its headers and its
   * body as received. `rawQuery` sends a query string as a server wrote it (a next_page_url's).
   */
  request(operationId: string, input: RequestParts & { rawQuery?: string }, options?: RequestOptions): Promise<RawAnswer>;
  /** The underlying typed openapi-fetch client (auth middleware included, redirects not followed; no retries, timeouts or limits). */
  readonly fetchClient: Client<paths>;
}

export function createAdaClient(options: AdaClientOptions): AdaClient {
  const core: ClientCore = createCore(options);
  const { baseUrl, scrub, fetchClient, call } = core;

  /** The end user a 2xx answer holds. */
  const endUser = (answer: Answer) => answer.body as EndUser;

  /** A page of the list from its answer; its next pages through the same walk (PageTrail). */
  const page = (answer: Answer, perCall: RequestOptions, trail: PageTrail): ListPage<EndUser> =>
    new ListPage<EndUser>(answer.status, answer.body, {
      trail,
      idOf: (user) => String(user?.end_user_id),
      scrub,
      label: 'listEndUsers',
      items: 'end users',
      next: async (query) => page(await call('listEndUsers', { rawQuery: query }, perCall, {}), perCall, trail),
    });

  return {
    fetchClient,
    async getEndUser(endUserId, options = {}) {
      return endUser(await call('getEndUser', { path: { end_user_id: endUserId } }, options, {}));
    },
    async updateEndUser(endUserId, body, options = {}) {
      return endUser(await call('updateEndUser', { path: { end_user_id: endUserId }, body }, options, {}));
    },
    async findEndUserByExternalId(externalId, options = {}) {
      if (typeof externalId !== 'string') {
        throw new AdaValidationError([{ path: '/external_id', in: 'query', keyword: 'type', message: 'must be a string' }], { scrub });
      }
      const found = await call('listEndUsers', { query: { external_id: externalId } }, options, { accept: [404] });
      if (found.status === 404) return null;
      const verdict = validateEndUserResponse(found.body);
      if (!verdict.ok) {
        // The 200 of the list is a page or one end user; a lookup must answer the end user.
        throw new ContractViolationError(
          found.status,
          Array.isArray((found.body as { data?: unknown })?.data)
            ? [
                {
                  path: '',
                  keyword: 'oneOf',
                  message: 'must be the one end user a lookup by external_id answers with, not a page (Prism: send Prefer: example=lookup)',
                },
              ]
            : verdict.errors,
          { scrub },
        );
      }
      return endUser(found);
    },
    async createEndUser(body, options = {}) {
      const created = await call('createEndUser', { body }, options, {});
      return { endUser: endUser(created), created: created.status === 201 };
    },
    request(operationId, input, options = {}) {
      if (typeof input !== 'object' || input === null)
        throw new TypeError(`${operationId}: input must be an object { path?, query?, body?, rawQuery? }`);
      return call(operationId, input, options, { raw: true });
    },
    listEndUsers(params = {}, options = {}) {
      if (typeof params !== 'object' || params === null) throw new TypeError('listEndUsers: params must be an object');
      const query = Object.fromEntries(Object.entries(params).filter(([, value]) => value !== undefined));
      return new PagePromise(async () => {
        const first = await call('listEndUsers', { query }, options, {});
        return page(
          first,
          options,
          new PageTrail(`${baseUrl}${operation('listEndUsers').path}`, new URLSearchParams(query as Record<string, string>)),
        );
      });
    },
  };
}
