// Spec pairs with the verdict a consumer would give: the bundled spec (optionally prepared by `base`)
// and a copy changed in one way (`head`). Written from the consumer's side, not read off the checker:
// test/breaking/breaking.test.ts holds the kit's checker to them, and Optic's verdicts were measured on the same
// table (docs/breaking-changes.md).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Json } from '../../src/contract/json-pointer.js';

type Spec = Json;

export const bundled: Spec = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'generated', 'openapi.json'), 'utf8'));
const PATH = '/v2/end-users/{end_user_id}';
const COLLECTION = '/v2/end-users/';
export const OP = `PATCH ${PATH}`;
const GET_ONE = `GET ${PATH}`;
const LIST = `GET ${COLLECTION}`;
const CREATE = `POST ${COLLECTION}`;
const CREATED = 'webhook v1.end_user.created (POST)';
const UPDATED = 'webhook v1.end_user.updated (POST)';
const schemas = (spec: Spec) => spec.components.schemas;
/** The end user as answers (EndUser) and webhooks (WebhookEndUser) carry it: a change to "the end user" is made to both. */
const endUsers = (spec: Spec): Json[] => [schemas(spec).EndUser, schemas(spec).WebhookEndUser];
const patch = (spec: Spec) => spec.paths[PATH].patch;
const list = (spec: Spec) => spec.paths[COLLECTION].get;

/** Both request bodies that hold a profile (create, update), in the order the checker walks them: [place, root]. */
const PROFILE_BODIES: Array<[string, string]> = [
  [`${CREATE} request body`, ''],
  [`${OP} request body`, ''],
];
/** Every place an end user is returned or sent, in the order the checker walks them: [place, where the end user is]. */
const END_USERS: Array<[string, string]> = [
  [`${LIST} response 200`, '/oneOf[0]/data/[]'],
  [`${CREATE} response 200`, ''],
  [`${CREATE} response 201`, ''],
  [`${GET_ONE} response 200`, ''],
  [`${OP} response 200`, ''],
  [`${CREATED} payload`, '/data'],
  [`${UPDATED} payload`, '/data'],
];
/** The expected change at `path` (below the root) in each of `places`. */
const everywhere = (places: Array<[string, string]>, path: string, what: RegExp) =>
  places.map(([place, root]) => ({ where: `${place} ${root}${path}`, what }));

/** An optional query parameter, for the cases about parameters. */
function withQueryParameter(spec: Spec): void {
  patch(spec).parameters = [{ name: 'dry_run', in: 'query', required: false, schema: { type: 'boolean' } }];
}

export interface Case {
  change: string;
  head: (spec: Spec) => void;
  base?: (spec: Spec) => void;
  /** What a consumer would say. */
  breaking: boolean;
  /** Changes the kit's checker must name (where, and a pattern of what), each with `breaking` as above. */
  expected: { where: string; what: RegExp }[];
  /** Differences the checker must report as `cannot judge` (and so fail on). */
  cannotJudge?: string[];
}

export const breakingCases: Case[] = [
  {
    change: 'request: a new required field',
    head: (s) => schemas(s).UpdateEndUserRequest.required.push('external_id'),
    breaking: true,
    expected: [{ where: `${OP} request body /external_id`, what: /now required/ }],
  },
  {
    change: 'request: a shorter maxLength',
    head: (s) => (schemas(s).ExternalId.maxLength = 20),
    breaking: true,
    expected: [{ where: `${OP} request body /external_id`, what: /maxLength 36 → 20/ }],
  },
  {
    change: 'request: a new pattern',
    head: (s) => (schemas(s).DisplayName.pattern = '^[A-Za-z ]*$'),
    breaking: true,
    expected: [{ where: `${OP} request body /profile/display_name`, what: /pattern none → / }],
  },
  {
    change: 'request: a removed type (no longer nullable)',
    head: (s) => (schemas(s).ExternalId.type = 'string'),
    breaking: true,
    expected: [{ where: `${OP} request body /external_id`, what: /type "string"\|"null" → "string"/ }],
  },
  {
    change: 'request: a removed accepted value',
    base: (s) => (schemas(s).Language.enum = ['en-US', 'pt-BR']),
    head: (s) => (schemas(s).Language.enum = ['en-US']),
    breaking: true,
    expected: [{ where: `${OP} request body /profile/language`, what: /enum/ }],
  },
  {
    change: 'request: a property no longer accepted',
    head: (s) => delete schemas(s).EndUserProfileUpdate.properties.avatar,
    breaking: true,
    expected: [{ where: `${OP} request body /profile/avatar`, what: /no longer accepted/ }],
  },
  {
    change: 'request: a smaller metadata size limit (x-max-json-bytes)',
    head: (s) => (schemas(s).Metadata['x-max-json-bytes'] = 4096),
    breaking: true,
    expected: [{ where: `${OP} request body /profile/metadata`, what: /x-max-json-bytes 10240 → 4096/ }],
  },
  {
    change: 'request: fewer sensitive pairs',
    head: (s) => (schemas(s).SensitiveMetadata.properties.fields.maxProperties = 10),
    breaking: true,
    expected: [{ where: `${OP} request body /profile/sensitive_metadata/fields`, what: /maxProperties 20 → 10/ }],
  },
  {
    change: 'request: sensitive keys narrowed (propertyNames pattern)',
    head: (s) => (schemas(s).SensitiveMetadata.properties.fields.propertyNames.pattern = '^[a-z]+$'),
    breaking: true,
    expected: [{ where: `${OP} request body /profile/sensitive_metadata/fields/{key}`, what: /pattern/ }],
  },
  {
    change: 'request: the body moved to another media type (merge-patch)',
    breaking: true,
    head: (s) => {
      const body = patch(s).requestBody;
      body.content = { 'application/merge-patch+json': body.content['application/json'] };
    },
    expected: [{ where: `${OP} request body`, what: /media type application\/json removed/ }],
  },
  {
    change: 'request: an anyOf branch removed',
    breaking: true,
    base: (s) => (schemas(s).SensitiveValue = { anyOf: [{ type: 'string' }, { type: 'boolean' }, { type: 'integer' }] }),
    head: (s) => (schemas(s).SensitiveValue = { anyOf: [{ type: 'string' }, { type: 'integer' }] }),
    expected: [{ where: `${OP} request body /profile/sensitive_metadata/fields/*`, what: /anyOf branch removed/ }],
  },
  {
    change: 'request: an allOf branch added',
    breaking: true,
    base: (s) => (schemas(s).Email.allOf = [{ maxLength: 320 }]),
    head: (s) => schemas(s).Email.allOf.push({ pattern: '@ada\\.cx$' }),
    expected: [{ where: `${OP} request body /profile/email`, what: /allOf branch added/ }],
  },
  {
    change: 'security: the bearer scheme replaced by an API-key header',
    breaking: true,
    head: (s) => {
      s.components.securitySchemes = { apiKeyAuth: { type: 'apiKey', in: 'header', name: 'X-API-Key' } };
      s.security = [{ apiKeyAuth: [] }];
    },
    expected: [{ where: `${OP} security`, what: /no longer does/ }],
  },
  {
    change: 'security: the same scheme name, another kind of credential',
    breaking: true,
    head: (s) => (s.components.securitySchemes.bearerAuth = { type: 'apiKey', in: 'header', name: 'Authorization' }),
    expected: [{ where: `${OP} security`, what: /no longer does/ }],
  },
  {
    change: 'parameter: an optional query parameter made required',
    base: withQueryParameter,
    breaking: true,
    head: (s) => {
      withQueryParameter(s);
      patch(s).parameters[0].required = true;
    },
    expected: [{ where: `${OP} query parameter dry_run`, what: /now required/ }],
  },
  {
    change: 'parameter: a required header added',
    breaking: true,
    head: (s) => (patch(s).parameters = [{ name: 'X-Ada-Version', in: 'header', required: true, schema: { type: 'string' } }]),
    expected: [{ where: `${OP} header parameter X-Ada-Version`, what: /required parameter added/ }],
  },
  {
    change: 'parameter: the path parameter narrowed (a pattern)',
    head: (s) => (s.components.parameters.EndUserId.schema.pattern = '^[0-9a-f]{24}$'),
    breaking: true,
    expected: [{ where: `${OP} path parameter end_user_id (value)`, what: /pattern none → / }],
  },
  {
    change: 'parameter: an optional query parameter removed',
    base: withQueryParameter,
    head: (s) => delete patch(s).parameters,
    breaking: true,
    expected: [{ where: `${OP} query parameter dry_run`, what: /parameter removed/ }],
  },
  {
    change: 'response: a removed field',
    breaking: true,
    head: (s) => {
      delete schemas(s).EndUser.properties.updated_at;
      schemas(s).EndUser.required = schemas(s).EndUser.required.filter((n: string) => n !== 'updated_at');
    },
    expected: [{ where: `${OP} response 200 /updated_at`, what: /property removed/ }],
  },
  {
    change: 'response: a field no longer required',
    head: (s) => (schemas(s).EndUser.required = ['end_user_id', 'profile', 'updated_at']),
    breaking: true,
    expected: [{ where: `${OP} response 200 /created_at`, what: /no longer required/ }],
  },
  {
    change: 'response: a widened type (string becomes nullable)',
    head: (s) => (schemas(s).EndUserId.type = ['string', 'null']),
    breaking: true,
    expected: [{ where: `${OP} response 200 /end_user_id`, what: /type "string" → "string"\|"null"/ }],
  },
  {
    change: 'response: a new enum value',
    base: (s) => (schemas(s).Error.properties.type.enum = ['bad_request', 'conflict']),
    breaking: true,
    head: (s) => (schemas(s).Error.properties.type.enum = ['bad_request', 'conflict', 'gone']),
    expected: [{ where: `${OP} response 409 /errors/[]/type`, what: /enum/ }],
  },
  {
    change: 'response: the write-only guard removed',
    head: (s) => delete schemas(s).EndUserProfile.not,
    breaking: true,
    expected: [{ where: `${OP} response 200 /profile`, what: /not changed/ }],
  },
  {
    change: 'response: a oneOf branch added',
    breaking: true,
    base: (s) => (schemas(s).SystemProperties.properties.sunshine_user_id = { oneOf: [{ type: 'string' }, { type: 'null' }] }),
    head: (s) => schemas(s).SystemProperties.properties.sunshine_user_id.oneOf.push({ type: 'integer' }),
    expected: [{ where: `${OP} response 200 /profile/system_properties/sunshine_user_id`, what: /oneOf branch added/ }],
  },
  {
    change: 'response: the 200 body moved to another media type',
    breaking: true,
    head: (s) => {
      const ok = patch(s).responses['200'];
      ok.content = { 'application/vnd.ada+json': ok.content['application/json'] };
    },
    expected: [{ where: `${OP} response 200`, what: /media type application\/json removed/ }],
  },
  {
    change: 'a removed status',
    head: (s) => delete patch(s).responses['409'],
    breaking: true,
    expected: [{ where: `${OP} response 409`, what: /response removed/ }],
  },
  {
    change: 'a removed operation',
    head: (s) => delete s.paths[PATH].patch,
    breaking: true,
    expected: [{ where: OP, what: /operation removed/ }],
  },
  { change: 'a removed path', head: (s) => delete s.paths[PATH], breaking: true, expected: [{ where: PATH, what: /path removed/ }] },
  {
    change: 'an operationId renamed (generated code names the operation by it)',
    head: (s) => (patch(s).operationId = 'patchEndUser'),
    breaking: true,
    expected: [{ where: OP, what: /operationId updateEndUser → patchEndUser/ }],
  },
  {
    change: 'the server URL moved',
    head: (s) => (s.servers[0].url = 'https://{instance}.ada.support/api/v3'),
    breaking: true,
    expected: [{ where: 'server https://{instance}.ada.support/api', what: /server removed or changed/ }],
  },
  {
    change: 'a schema component renamed (its type name is gone)',
    breaking: true,
    head: (s) => {
      schemas(s).GivenName = schemas(s).FirstName;
      delete schemas(s).FirstName;
      for (const holder of [schemas(s).EndUserProfile, schemas(s).EndUserProfileUpdate])
        holder.properties.first_name = { $ref: '#/components/schemas/GivenName' };
    },
    expected: [{ where: '#/components/schemas/FirstName', what: /component removed/ }],
  },
  {
    change: 'a shared schema made non-nullable: tighter for requests (breaking), narrower for responses (safe)',
    head: (s) => (schemas(s).FirstName.type = 'string'),
    breaking: true,
    expected: [{ where: `${OP} request body /profile/first_name`, what: /type/ }],
  },
  {
    change: 'a shared schema widened: safe for the request, breaking for the response that shares it (checked, not assumed)',
    head: (s) => (schemas(s).MetadataValue.type = ['string', 'boolean', 'number']),
    breaking: true,
    expected: [{ where: `${OP} response 200 /profile/metadata/*`, what: /type/ }],
  },
  {
    change: 'request: metadata integers declared int64 (narrower than any integer)',
    head: (s) => (schemas(s).MetadataValue.format = 'int64'),
    breaking: true,
    expected: [{ where: `${OP} request body /profile/metadata/*`, what: /^format none → int64$/ }],
  },
  {
    change: 'webhook: a payload field removed',
    breaking: true,
    head: (s) => delete schemas(s).EndUserCreatedEvent.properties.timestamp,
    expected: [{ where: `${CREATED} payload /timestamp`, what: /property removed/ }],
  },
  {
    change: 'webhook: a payload field loosened (tags may hold null)',
    breaking: true,
    head: (s) => (schemas(s).WebhookTags.items.type = ['string', 'null']),
    expected: [
      { where: `${CREATED} payload /tags/[]`, what: /type "string" → "string"\|"null"/ },
      { where: `${UPDATED} payload /tags/[]`, what: /type/ },
    ],
  },
  {
    change: 'webhook: an event type removed',
    head: (s) => delete s.webhooks['v1.end_user.updated'],
    breaking: true,
    expected: [{ where: 'webhook v1.end_user.updated', what: /webhook removed/ }],
  },
  {
    change: 'list: a schema behind a union branch loosened',
    head: (s) => (schemas(s).EndUserId.type = ['string', 'null']),
    breaking: true,
    expected: [{ where: `${LIST} response 200 /oneOf[0]/data/[]/end_user_id`, what: /type/ }],
  },
  {
    change: 'list: parameters that could be combined no longer can',
    head: (s) => (list(s)['x-exclusive-parameter-groups'] = [['external_id'], ['cursor'], ['limit']]),
    breaking: true,
    expected: [{ where: `${LIST} parameters`, what: /cursor with limit may no longer be sent together/ }],
  },
  {
    change: 'list: limit narrowed (at most 50)',
    head: (s) => (s.components.parameters.Limit.schema.maximum = 50),
    breaking: true,
    expected: [{ where: `${LIST} query parameter limit (value)`, what: /maximum 100 → 50/ }],
  },
  {
    change: 'update: metadata and sensitive keys may no longer overlap (x-disjoint-keys added)',
    breaking: true,
    head: (s) => (schemas(s).UpdateEndUserRequest['x-disjoint-keys'] = ['/profile/metadata', '/profile/sensitive_metadata/fields']),
    expected: [{ where: `${OP} request body (body)`, what: /x-disjoint-keys "none" → / }],
  },
  {
    change: 'create: the 201 response removed',
    head: (s) => delete s.paths[COLLECTION].post.responses['201'],
    breaking: true,
    expected: [{ where: `${CREATE} response 201`, what: /response removed/ }],
  },
  // One or more per operation and webhook, beyond the update's above.
  {
    change: 'get: the operation removed',
    head: (s) => delete s.paths[PATH].get,
    breaking: true,
    expected: [{ where: GET_ONE, what: /operation removed/ }],
  },
  {
    change: 'list: the external_id lookup narrowed (at most 24 characters)',
    head: (s) => (s.components.parameters.ExternalIdQuery.schema.maxLength = 24),
    breaking: true,
    expected: [{ where: `${LIST} query parameter external_id (value)`, what: /maxLength 36 → 24/ }],
  },
  {
    change: 'list: cursor made required',
    head: (s) => (s.components.parameters.Cursor.required = true),
    breaking: true,
    expected: [{ where: `${LIST} query parameter cursor`, what: /now required/ }],
  },
  {
    change: 'list: the page’s meta removed',
    head: (s) => delete schemas(s).EndUsersPage.properties.meta,
    breaking: true,
    expected: [{ where: `${LIST} response 200 /oneOf[0]/meta`, what: /property removed/ }],
  },
  {
    change: 'create: profile made required (a new required request field)',
    head: (s) => (schemas(s).CreateEndUserRequest.required = ['profile']),
    breaking: true,
    expected: [{ where: `${CREATE} request body /profile`, what: /now required/ }],
  },
  {
    change: 'create: the operation removed',
    head: (s) => delete s.paths[COLLECTION].post,
    breaking: true,
    expected: [{ where: CREATE, what: /operation removed/ }],
  },
  {
    change: 'webhook: the signature header removed',
    head: (s) => {
      const hook = s.webhooks['v1.end_user.created'].post;
      hook.parameters = hook.parameters.filter((p: Json) => !JSON.stringify(p).includes('SvixSignature'));
    },
    breaking: true,
    expected: [{ where: `${CREATED} header parameter svix-signature`, what: /parameter removed/ }],
  },
  {
    change: 'webhook: a header no longer always sent (svix-id optional: receivers drop duplicates by it)',
    head: (s) => (s.components.parameters.SvixId.required = false),
    breaking: true,
    expected: [CREATED, UPDATED].map((hook) => ({ where: `${hook} header parameter svix-id`, what: /no longer required/ })),
  },
  {
    change: 'webhook: a header value loosened (svix-timestamp may be other than seconds)',
    head: (s) => delete s.components.parameters.SvixTimestamp.schema.pattern,
    breaking: true,
    expected: [CREATED, UPDATED].map((hook) => ({
      where: `${hook} header parameter svix-timestamp (value)`,
      what: /pattern \^\[0-9\]\+\$ → none/,
    })),
  },
  {
    change: 'webhook: the updated event’s data no longer required',
    head: (s) => (schemas(s).EndUserUpdatedEvent.required = ['type']),
    breaking: true,
    expected: [{ where: `${UPDATED} payload /data`, what: /no longer required/ }],
  },
];

export const safeCases: Case[] = [
  { change: 'a description edited', head: (s) => (schemas(s).FirstName.description = 'Given name.'), breaking: false, expected: [] },
  {
    change: 'an example changed',
    head: (s) => (s.components.examples.UpdateEndUserSeedRequest.value.profile.first_name = 'Grace'),
    breaking: false,
    expected: [],
  },
  {
    change: 'a pattern’s error message reworded (x-pattern-message)',
    head: (s) => (schemas(s).ExternalId['x-pattern-message'] = 'may not contain < or >'),
    breaking: false,
    expected: [],
  },
  { change: 'info.version bumped', head: (s) => (s.info.version = '9.9.9'), breaking: false, expected: [] },
  {
    change: 'request: a new optional field',
    head: (s) => (schemas(s).EndUserProfileUpdate.properties.nickname = { type: ['string', 'null'] }),
    breaking: false,
    expected: everywhere(PROFILE_BODIES, '/profile/nickname', /optional property added/),
  },
  {
    change: 'request: a looser limit (more sensitive pairs)',
    head: (s) => (schemas(s).SensitiveMetadata.properties.fields.maxProperties = 30),
    breaking: false,
    expected: everywhere(PROFILE_BODIES, '/profile/sensitive_metadata/fields', /maxProperties 20 → 30/),
  },
  {
    change: 'request: a field no longer required',
    head: (s) => (schemas(s).UpdateEndUserRequest.required = []),
    breaking: false,
    expected: [{ where: `${OP} request body /profile`, what: /no longer required/ }],
  },
  {
    change: 'request: another media type accepted as well',
    breaking: false,
    head: (s) => {
      const content = patch(s).requestBody.content;
      content['application/merge-patch+json'] = content['application/json'];
    },
    expected: [{ where: `${OP} request body (application/merge-patch+json)`, what: /media type application\/merge-patch\+json added/ }],
  },
  {
    change: 'request: an anyOf branch added',
    breaking: false,
    base: (s) => (schemas(s).SensitiveValue = { anyOf: [{ type: 'string' }, { type: 'integer' }] }),
    head: (s) => (schemas(s).SensitiveValue = { anyOf: [{ type: 'string' }, { type: 'integer' }, { type: 'boolean' }] }),
    expected: everywhere(PROFILE_BODIES, '/profile/sensitive_metadata/fields/*', /anyOf branch added/),
  },
  {
    change: 'request: integer widened to number',
    head: (s) => (schemas(s).SensitiveValue.type = ['string', 'boolean', 'number', 'null']),
    breaking: false,
    expected: everywhere(PROFILE_BODIES, '/profile/sensitive_metadata/fields/*', /type/),
  },
  {
    change: 'create: the disjoint-keys rule dropped',
    head: (s) => delete schemas(s).CreateEndUserRequest['x-disjoint-keys'],
    breaking: false,
    expected: [{ where: `${CREATE} request body (body)`, what: /x-disjoint-keys .* → "none"/ }],
  },
  {
    change: 'list: external_id may now be combined with limit',
    head: (s) => (list(s)['x-exclusive-parameter-groups'] = [['external_id'], ['cursor']]),
    breaking: false,
    expected: [{ where: `${LIST} parameters`, what: /external_id with limit may now be sent together/ }],
  },
  {
    change: 'response: a narrowed type (no longer nullable)',
    head: (s) => (schemas(s).SystemProperties.properties.sunshine_user_id.type = 'string'),
    breaking: false,
    expected: everywhere(END_USERS, '/profile/system_properties/sunshine_user_id', /type "string"\|"null" → "string"/),
  },
  {
    change: 'response: a new property',
    head: (s) => {
      for (const user of endUsers(s)) user.properties.channel = { type: 'string' };
    },
    breaking: false,
    expected: everywhere(END_USERS, '/channel', /optional property added/),
  },
  {
    change: 'a new status',
    head: (s) => (patch(s).responses['403'] = patch(s).responses['401']),
    breaking: false,
    expected: [{ where: `${OP} response 403`, what: /response added/ }],
  },
  {
    change: 'a new operation',
    breaking: false,
    head: (s) =>
      (s.paths[PATH].delete = {
        operationId: 'deleteEndUser',
        responses: { '204': { description: 'Deleted.' }, '404': { description: 'Not found.' } },
      }),
    expected: [{ where: `DELETE ${PATH}`, what: /operation added/ }],
  },
  {
    change: 'parameter: a new optional query parameter',
    head: withQueryParameter,
    breaking: false,
    expected: [{ where: `${OP} query parameter dry_run`, what: /optional parameter added/ }],
  },
  {
    change: 'parameter: a required query parameter made optional',
    breaking: false,
    base: (s) => {
      withQueryParameter(s);
      patch(s).parameters[0].required = true;
    },
    head: withQueryParameter,
    expected: [{ where: `${OP} query parameter dry_run`, what: /no longer required/ }],
  },
  {
    change: 'security: another way to authenticate added',
    breaking: false,
    head: (s) => {
      s.components.securitySchemes.apiKeyAuth = { type: 'apiKey', in: 'header', name: 'X-API-Key' };
      s.security = [{ bearerAuth: [] }, { apiKeyAuth: [] }];
    },
    expected: [LIST, CREATE, GET_ONE, OP].map((where) => ({ where: `${where} security`, what: /relaxed or extended/ })),
  },
  {
    change: 'security: the scheme’s description reworded',
    head: (s) => (s.components.securitySchemes.bearerAuth.description = 'Your API key.'),
    breaking: false,
    expected: [],
  },
  {
    change: 'webhook: a new event type',
    head: (s) => (s.webhooks['v1.test.event'] = structuredClone(s.webhooks['v1.end_user.created'])),
    breaking: false,
    expected: [{ where: 'webhook v1.test.event', what: /webhook added/ }],
  },
  {
    change: 'get: a new optional query parameter',
    head: (s) => (s.paths[PATH].get.parameters = [{ name: 'fields', in: 'query', required: false, schema: { type: 'string' } }]),
    breaking: false,
    expected: [{ where: `${GET_ONE} query parameter fields`, what: /optional parameter added/ }],
  },
  {
    // int32 and int64 are ranges: judged against the schema's own bounds, not as a new rule.
    change: 'list: limit declared int32 (within its 1..100, it narrows nothing)',
    head: (s) => (s.components.parameters.Limit.schema.format = 'int32'),
    // (The arbitraries ignore integer formats: a contract that declared one would need them to keep
    // their invalid values within its range, or an out-of-range one would break two rules.)
    breaking: false,
    expected: [{ where: `${LIST} query parameter limit (value)`, what: /^format none → int32 \(within the schema's bounds\)$/ }],
  },
  {
    change: 'list: limit widened (up to 200)',
    head: (s) => (s.components.parameters.Limit.schema.maximum = 200),
    breaking: false,
    expected: [{ where: `${LIST} query parameter limit (value)`, what: /maximum 100 → 200/ }],
  },
  {
    change: 'create: a new optional body field',
    head: (s) => (schemas(s).CreateEndUserRequest.properties.channel = { type: 'string' }),
    breaking: false,
    expected: [{ where: `${CREATE} request body /channel`, what: /optional property added/ }],
  },
  {
    change: 'webhook: a new header, required (receivers ignore headers they do not read)',
    head: (s) =>
      s.webhooks['v1.end_user.created'].post.parameters.push({
        name: 'x-ada-region',
        in: 'header',
        required: true,
        schema: { type: 'string' },
      }),
    breaking: false,
    expected: [{ where: `${CREATED} header parameter x-ada-region`, what: /required parameter added/ }],
  },
  {
    change: 'webhook: the updated event’s payload gains an optional field',
    head: (s) => (schemas(s).EndUserUpdatedEvent.properties.source = { type: 'string' }),
    breaking: false,
    expected: [{ where: `${UPDATED} payload /source`, what: /optional property added/ }],
  },
  {
    change: 'webhook: a payload field narrowed (a format where there was none)',
    head: (s) => (schemas(s).WebhookTimestamp.format = 'date-time'),
    breaking: false,
    expected: [CREATED, UPDATED].map((hook) => ({ where: `${hook} payload /timestamp`, what: /format none → date-time/ })),
  },
];

/** Differences the checker does not understand: it must say so and fail, never pass them. */
export const unjudgeableCases: Case[] = [
  {
    change: 'an unknown vendor keyword on a request schema',
    head: (s) => (schemas(s).ExternalId['x-min-words'] = 2),
    breaking: true,
    expected: [],
    cannotJudge: ['#/components/schemas/ExternalId/x-min-words'],
  },
  {
    change: 'a JSON Schema keyword the checker does not judge (multipleOf)',
    head: (s) => (schemas(s).MetadataValue.multipleOf = 2),
    breaking: true,
    expected: [],
    cannotJudge: ['#/components/schemas/MetadataValue/multipleOf'],
  },
  {
    change: 'a response header added',
    breaking: true,
    head: (s) => (s.components.responses.TooManyRequests.headers = { 'Retry-After': { schema: { type: 'integer' } } }),
    expected: [],
    cannotJudge: ['#/components/responses/TooManyRequests/headers'],
  },
  {
    change: 'a parameter’s serialization style changed',
    base: withQueryParameter,
    breaking: true,
    head: (s) => {
      withQueryParameter(s);
      patch(s).parameters[0].style = 'deepObject';
    },
    expected: [],
    cannotJudge: [`#/paths/${PATH.replace(/\//g, '~1')}/patch/parameters/0/style`],
  },
  {
    change: 'an operation-level vendor extension',
    head: (s) => (patch(s)['x-rate-limit'] = 30),
    breaking: true,
    expected: [],
    cannotJudge: [`#/paths/${PATH.replace(/\//g, '~1')}/patch/x-rate-limit`],
  },
  { change: 'the OpenAPI version', head: (s) => (s.openapi = '3.2.0'), breaking: true, expected: [], cannotJudge: ['#/openapi'] },
];
