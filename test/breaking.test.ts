// The breaking-change guard, table-driven: pairs of specs (the bundled spec, and a copy changed in one
// way) with the verdict a consumer would give.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { compareSpecs } from '../scripts/breaking-changes.js';
import { CHILD_PROCESS_TIMEOUT } from './support.js';

const root = join(import.meta.dirname, '..');
const bundled = JSON.parse(readFileSync(join(root, 'generated', 'openapi.json'), 'utf8'));
const OP = 'PATCH /v2/end-users/{end_user_id}';

type Spec = any;
const schemas = (spec: Spec) => spec.components.schemas;
const patch = (spec: Spec) => spec.paths['/v2/end-users/{end_user_id}'].patch;

interface Case {
  change: string;
  head: (spec: Spec) => void;
  base?: (spec: Spec) => void;
  expected: { where: string; what: RegExp }[];
}

const breaking: Case[] = [
  { change: 'request: a new required field', head: (s) => schemas(s).UpdateEndUserRequest.required.push('external_id'),
    expected: [{ where: `${OP} request body /external_id`, what: /now required/ }] },
  { change: 'request: a shorter maxLength', head: (s) => (schemas(s).ExternalId.maxLength = 20),
    expected: [{ where: `${OP} request body /external_id`, what: /maxLength 36 → 20/ }] },
  { change: 'request: a new pattern', head: (s) => (schemas(s).DisplayName.pattern = '^[A-Za-z ]*$'),
    expected: [{ where: `${OP} request body /profile/display_name`, what: /pattern none → / }] },
  { change: 'request: a removed type (no longer nullable)', head: (s) => (schemas(s).ExternalId.type = 'string'),
    expected: [{ where: `${OP} request body /external_id`, what: /type "string"\|"null" → "string"/ }] },
  { change: 'request: a removed accepted value', base: (s) => (schemas(s).Language.enum = ['en-US', 'pt-BR']),
    head: (s) => (schemas(s).Language.enum = ['en-US']),
    expected: [{ where: `${OP} request body /profile/language`, what: /enum/ }] },
  { change: 'request: a property no longer accepted', head: (s) => delete schemas(s).EndUserProfileUpdate.properties.avatar,
    expected: [{ where: `${OP} request body /profile/avatar`, what: /no longer accepted/ }] },
  { change: 'request: a smaller metadata size limit', head: (s) => (schemas(s).Metadata['x-max-json-bytes'] = 4096),
    expected: [{ where: `${OP} request body /profile/metadata`, what: /x-max-json-bytes 10240 → 4096/ }] },
  { change: 'request: fewer sensitive pairs', head: (s) => (schemas(s).SensitiveMetadata.properties.fields.maxProperties = 10),
    expected: [{ where: `${OP} request body /profile/sensitive_metadata/fields`, what: /maxProperties 20 → 10/ }] },
  { change: 'response: a removed field', head: (s) => {
    delete schemas(s).EndUser.properties.updated_at;
    schemas(s).EndUser.required = schemas(s).EndUser.required.filter((n: string) => n !== 'updated_at');
  }, expected: [{ where: `${OP} response 200 /updated_at`, what: /property removed/ }] },
  { change: 'response: a field no longer required', head: (s) => (schemas(s).EndUser.required = ['end_user_id', 'profile', 'updated_at']),
    expected: [{ where: `${OP} response 200 /created_at`, what: /no longer required/ }] },
  { change: 'response: a widened type (string becomes nullable)', head: (s) => (schemas(s).EndUser.properties.end_user_id.type = ['string', 'null']),
    expected: [{ where: `${OP} response 200 /end_user_id`, what: /type "string" → "string"\|"null"/ }] },
  { change: 'response: a new enum value', base: (s) => (schemas(s).Error.properties.type.enum = ['bad_request', 'conflict']),
    head: (s) => (schemas(s).Error.properties.type.enum = ['bad_request', 'conflict', 'gone']),
    expected: [{ where: `${OP} response 409 /errors/[]/type`, what: /enum/ }] },
  { change: 'response: the write-only guard removed', head: (s) => delete schemas(s).EndUserProfile.not,
    expected: [{ where: `${OP} response 200 /profile`, what: /not changed/ }] },
  { change: 'a removed status', head: (s) => delete patch(s).responses['409'],
    expected: [{ where: `${OP} response 409`, what: /response removed/ }] },
  { change: 'a removed operation', head: (s) => delete s.paths['/v2/end-users/{end_user_id}'].patch,
    expected: [{ where: OP, what: /operation removed/ }] },
  { change: 'a removed path', head: (s) => delete s.paths['/v2/end-users/{end_user_id}'],
    expected: [{ where: '/v2/end-users/{end_user_id}', what: /path removed/ }] },
  { change: 'a shared schema made non-nullable: tighter for requests (breaking), narrower for responses (safe)',
    head: (s) => (schemas(s).FirstName.type = 'string'),
    expected: [{ where: `${OP} request body /profile/first_name`, what: /type/ }] },
];

const safe: Case[] = [
  { change: 'a description edited', head: (s) => (schemas(s).FirstName.description = 'Given name.'), expected: [] },
  { change: 'request: a new optional field', head: (s) => (schemas(s).EndUserProfileUpdate.properties.nickname = { type: ['string', 'null'] }),
    expected: [{ where: `${OP} request body /profile/nickname`, what: /optional property added/ }] },
  { change: 'request: a looser limit (more sensitive pairs)', head: (s) => (schemas(s).SensitiveMetadata.properties.fields.maxProperties = 30),
    expected: [{ where: `${OP} request body /profile/sensitive_metadata/fields`, what: /maxProperties 20 → 30/ }] },
  { change: 'response: a narrowed type (no longer nullable)', head: (s) => (schemas(s).SystemProperties.properties.sunshine_user_id.type = 'string'),
    expected: [{ where: `${OP} response 200 /profile/system_properties/sunshine_user_id`, what: /type "string"\|"null" → "string"/ }] },
  { change: 'request: a field no longer required', head: (s) => (schemas(s).UpdateEndUserRequest.required = []),
    expected: [{ where: `${OP} request body /profile`, what: /no longer required/ }] },
  { change: 'response: a new property', head: (s) => (schemas(s).EndUser.properties.channel = { type: 'string' }),
    expected: [{ where: `${OP} response 200 /channel`, what: /optional property added/ }] },
  { change: 'a new status', head: (s) => (patch(s).responses['403'] = patch(s).responses['401']),
    expected: [{ where: `${OP} response 403`, what: /response added/ }] },
  { change: 'a new operation', head: (s) => (s.paths['/v2/end-users/{end_user_id}'].get = { responses: {} }),
    expected: [{ where: 'GET /v2/end-users/{end_user_id}', what: /operation added/ }] },
];

function verdict({ head, base }: Case) {
  const before = structuredClone(bundled);
  base?.(before);
  const after = structuredClone(before);
  head(after);
  return compareSpecs(before, after);
}

describe('breaking changes are caught and named', () => {
  it.each(breaking.map((c) => [c.change, c] as const))('%s', (_name, c) => {
    const changes = verdict(c);
    for (const { where, what } of c.expected) {
      expect(changes).toContainEqual({ where, what: expect.stringMatching(what), breaking: true });
    }
  });
});

describe('safe changes pass, and are listed', () => {
  it.each(safe.map((c) => [c.change, c] as const))('%s', (_name, c) => {
    const changes = verdict(c);
    expect(changes.filter((change) => change.breaking)).toEqual([]);
    expect(changes).toEqual(c.expected.map(({ where, what }) => ({ where, what: expect.stringMatching(what), breaking: false })));
  });

  it('the spec against itself: no changes at all', () => {
    expect(compareSpecs(bundled, structuredClone(bundled))).toEqual([]);
  });

  it('a shared schema loosened: safe for requests, breaking for responses', () => {
    const after = structuredClone(bundled);
    after.components.schemas.ExternalId.maxLength = 64; // used by the request and by EndUser
    expect(compareSpecs(bundled, after)).toEqual([
      { where: `${OP} request body /external_id`, what: 'maxLength 36 → 64', breaking: false },
      { where: `${OP} response 200 /external_id`, what: 'maxLength 36 → 64', breaking: true },
    ]);
  });
});

describe('npm run check:breaking', () => {
  it('refuses a ref that is not a commit, in one line, exit 2', async () => {
    const result = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/check-breaking.ts', '--base', 'no-such-ref'], { cwd: root })
      .then(() => ({ code: 0, stderr: '' }), (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }));
    expect(result).toEqual({ code: 2, stderr: 'check:breaking: "no-such-ref" is not a commit in this repository\n' });
  }, CHILD_PROCESS_TIMEOUT);
});
