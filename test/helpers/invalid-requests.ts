// One invalid body per rule the spec encodes for "Update an end user": each breaks exactly one rule of
// the seed request and names the JSON pointer the local validator must report.
import { seedRequest } from './support.js';
import type { Json } from '../../src/contract/json-pointer.js';

export interface InvalidRequestCase {
  rule: string;
  body: unknown;
  /** JSON pointer of the offending value. */
  path: string;
  /** A fragment of the local validator's message. */
  message: string;
  /** Prism cannot enforce this rule (documented in docs/prism.md); only the local validator does. */
  prismCannotEnforce?: string;
}

function breaking(
  rule: string,
  path: string,
  message: string,
  mutate: (body: Record<string, Json>) => void,
  prismCannotEnforce?: string,
): InvalidRequestCase {
  const body = seedRequest();
  mutate(body);
  return { rule, body, path, message, ...(prismCannotEnforce ? { prismCannotEnforce } : {}) };
}

const fields = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`key_${i}`, `value ${i}`]));

export const invalidRequestCases: InvalidRequestCase[] = [
  { rule: 'body must be an object', body: [], path: '', message: 'must be object' },
  breaking('profile is required', '/profile', 'is required', (b) => delete b.profile),
  breaking('profile must be an object', '/profile', 'must be object', (b) => (b.profile = null)),
  breaking('no unknown top-level properties', '/externalId', 'is not an allowed property', (b) => (b.externalId = 'x')),
  breaking(
    'no unknown profile properties (typo)',
    '/profile/firstName',
    'is not an allowed property',
    (b) => (b.profile.firstName = 'Ada'),
  ),
  breaking(
    'system_properties is read-only',
    '/profile/system_properties',
    'is not an allowed property',
    (b) => (b.profile.system_properties = { sunshine_user_id: 'x' }),
  ),
  breaking('profile strings are string or null', '/profile/first_name', 'must be string or null', (b) => (b.profile.first_name = 42)),
  breaking(
    'external_id is at most 36 characters',
    '/external_id',
    'must be at most 36 characters',
    (b) => (b.external_id = 'x'.repeat(37)),
  ),
  breaking('external_id must not contain <', '/external_id', 'must not contain < or >', (b) => (b.external_id = 'crm<1')),
  breaking('external_id must not contain >', '/external_id', 'must not contain < or >', (b) => (b.external_id = 'crm>1')),
  breaking('external_id is string or null', '/external_id', 'must be string or null', (b) => (b.external_id = 123)),
  breaking('avatar is a URL', '/profile/avatar', 'absolute URI', (b) => (b.profile.avatar = 'not a url')),
  breaking('email is an email address', '/profile/email', 'email address', (b) => (b.profile.email = 'ada.lovelace')),
  breaking('language is a BCP 47 tag', '/profile/language', 'BCP 47', (b) => (b.profile.language = 'en_US')),
  breaking('metadata is an object or null', '/profile/metadata', 'must be object or null', (b) => (b.profile.metadata = 'x')),
  breaking(
    'metadata values are not floats',
    '/profile/metadata/example_key3',
    'must be string, boolean or integer',
    (b) => (b.profile.metadata.example_key3 = 1.5),
  ),
  breaking(
    'metadata values are not objects',
    '/profile/metadata/nested',
    'must be string, boolean or integer',
    (b) => (b.profile.metadata.nested = { a: 1 }),
  ),
  breaking(
    'metadata values are not arrays',
    '/profile/metadata/list',
    'must be string, boolean or integer',
    (b) => (b.profile.metadata.list = ['a']),
  ),
  breaking(
    'metadata values are not null',
    '/profile/metadata/example_key1',
    'must be string, boolean or integer',
    (b) => (b.profile.metadata.example_key1 = null),
  ),
  breaking(
    'metadata is at most 10 KB as JSON',
    '/profile/metadata',
    'must be at most 10240 bytes',
    (b) => (b.profile.metadata = { big: 'x'.repeat(10_240) }),
    'x-max-json-bytes is a vendor extension; Prism ignores it',
  ),
  breaking(
    'sensitive_metadata is an object or null',
    '/profile/sensitive_metadata',
    'must be object or null',
    (b) => (b.profile.sensitive_metadata = 'x'),
  ),
  breaking(
    'sensitive_metadata requires fields',
    '/profile/sensitive_metadata/fields',
    'is required',
    (b) => (b.profile.sensitive_metadata = {}),
  ),
  breaking(
    'sensitive_metadata has no unknown properties',
    '/profile/sensitive_metadata/extra',
    'is not an allowed property',
    (b) => (b.profile.sensitive_metadata.extra = 1),
  ),
  breaking(
    'sensitive keys match [A-Za-z0-9_-]+',
    '/profile/sensitive_metadata/fields/auth token',
    'key must contain only',
    (b) => (b.profile.sensitive_metadata.fields = { 'auth token': 'x' }),
  ),
  breaking(
    'at most 20 sensitive pairs',
    '/profile/sensitive_metadata/fields',
    'at most 20 properties',
    (b) => (b.profile.sensitive_metadata.fields = fields(21)),
  ),
  breaking(
    'sensitive string values are non-empty',
    '/profile/sensitive_metadata/fields/session_id',
    'must not be empty',
    (b) => (b.profile.sensitive_metadata.fields.session_id = ''),
  ),
  breaking(
    'sensitive values are not objects',
    '/profile/sensitive_metadata/fields/session_id',
    'must be string, boolean, integer or null',
    (b) => (b.profile.sensitive_metadata.fields.session_id = { a: 1 }),
  ),
  breaking(
    'sensitive values are not floats',
    '/profile/sensitive_metadata/fields/session_id',
    'must be string, boolean, integer or null',
    (b) => (b.profile.sensitive_metadata.fields.session_id = 0.5),
  ),
];
