// The typed client: openapi-fetch underneath, with auth as a middleware and non-2xx answers thrown as
// AdaApiError. The openapi-fetch client stays reachable as `fetchClient` for anything not wrapped here.
import createClient, { type Client, type Middleware } from 'openapi-fetch';
import type { components, paths } from '../generated/schema.js';
import { AdaApiError } from './errors.js';
import { openapiDocument, UPDATE_END_USER_PATH } from './spec.js';

export type EndUser = components['schemas']['EndUser'];
export type UpdateEndUserRequest = components['schemas']['UpdateEndUserRequest'];

export type AdaClientOptions = (
  | { /** Your instance handle: `acme`, or `acme.eu` on a regional host. */ instance: string; baseUrl?: never }
  | { /** Full base URL, e.g. a mock's `url`; the API paths are appended to it. */ baseUrl: string; instance?: never }
) & {
  /** API key, sent only as `Authorization: Bearer <token>`. */
  token: string;
  /** A fetch implementation; defaults to the global fetch. */
  fetch?: (input: Request) => Promise<Response>;
};

/** Per-call options: extra headers (e.g. Prism's `Prefer`) and an AbortSignal. */
export interface RequestOptions {
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export interface AdaClient {
  /** PATCH /v2/end-users/{end_user_id}. Resolves to the updated end user; throws AdaApiError otherwise. */
  updateEndUser(endUserId: string, body: UpdateEndUserRequest, options?: RequestOptions): Promise<EndUser>;
  /** The underlying typed openapi-fetch client (auth middleware included). */
  readonly fetchClient: Client<paths>;
}

// One or two DNS labels: `acme`, `acme.eu`.
const INSTANCE_PATTERN = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)?$/i;

export function createAdaClient(options: AdaClientOptions): AdaClient {
  const baseUrl = resolveBaseUrl(options);
  const token = options.token;
  if (typeof token !== 'string' || token === '' || /\s/.test(token)) {
    // Never echo the value: it is a credential.
    throw new TypeError('createAdaClient: token must be a non-empty string without whitespace');
  }

  const fetchClient = createClient<paths>({ baseUrl, ...(options.fetch ? { fetch: options.fetch } : {}) });
  fetchClient.use(bearerAuth(token));

  return {
    fetchClient,
    async updateEndUser(endUserId, body, { headers, signal } = {}) {
      if (typeof endUserId !== 'string' || endUserId === '') {
        throw new TypeError('updateEndUser: endUserId must be a non-empty string');
      }
      const { data, error, response } = await fetchClient.PATCH(UPDATE_END_USER_PATH, {
        params: { path: { end_user_id: endUserId } },
        body,
        ...(headers ? { headers } : {}),
        ...(signal ? { signal } : {}),
      });
      if (!response.ok || data === undefined) throw AdaApiError.from(response, error);
      return data;
    },
  };
}

function bearerAuth(token: string): Middleware {
  return {
    onRequest({ request }) {
      request.headers.set('Authorization', `Bearer ${token}`);
      return request;
    },
  };
}

function resolveBaseUrl(options: AdaClientOptions): string {
  const { instance, baseUrl } = options as { instance?: unknown; baseUrl?: unknown };
  if ((instance === undefined) === (baseUrl === undefined)) {
    throw new TypeError('createAdaClient: pass exactly one of instance or baseUrl');
  }
  if (instance !== undefined) {
    if (typeof instance !== 'string' || !INSTANCE_PATTERN.test(instance)) {
      throw new TypeError('createAdaClient: instance must be a host label such as "acme" or "acme.eu"');
    }
    return openapiDocument.servers[0]!.url.replace('{instance}', instance); // the spec's server template
  }
  let url: URL;
  try {
    url = new URL(String(baseUrl));
  } catch {
    throw new TypeError('createAdaClient: baseUrl must be an absolute http(s) URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError('createAdaClient: baseUrl must be an absolute http(s) URL');
  }
  if (url.username || url.password) {
    throw new TypeError('createAdaClient: baseUrl must not contain credentials; pass token instead');
  }
  return url.href.replace(/\/+$/, '');
}
