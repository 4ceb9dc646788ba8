// CI-only (`npm run test:ci`: each case runs the command). `npm run verify` as a command: one line and exit 0 for an honest provider, exit 1 and a line per
// violation on drift, one line and exit 2 for bad arguments and setup problems, and never the token.
// (The drift kinds themselves are in verify.test.ts, in process.)
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { providerFactory, VERIFY_TOKEN, type Drift } from '../helpers/providers.js';
import { CHILD_PROCESS_TIMEOUT } from '../helpers/support.js';
import { freePort } from '../helpers/net.js';

const TOKEN = VERIFY_TOKEN;
const provider = providerFactory();

function runVerify(args: string[], env: Record<string, string> = {}) {
  return promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'verify', ...args], {
    timeout: CHILD_PROCESS_TIMEOUT,
    env: { ...process.env, ADA_API_TOKEN: '', ADA_WEBHOOK_SECRET: '', ...env },
  }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );
}

const baseArgs = (url: string) => ['--base-url', url, '--token', TOKEN, '--end-user-id', '5f7e0e2c1e7c7e000f0f9c3a', '--interval-ms', '0'];

describe('npm run verify (the CLI)', () => {
  it.concurrent(
    'passes a provider that honours the contract: one line, exit 0; --create verifies the create too',
    async () => {
      const server = await provider('none');
      const { code, stdout, stderr } = await runVerify([...baseArgs(server.url), '--seed', '7', '--create']);
      expect({ code, stdout, stderr }).toEqual({
        code: 0,
        stdout: 'verified 100 requests to getEndUser, createEndUser, listEndUsers, updateEndUser, 0 violations\n',
        stderr: '',
      });
      expect(new Set(server.requests.map((r) => r.method))).toEqual(new Set(['HEAD', 'GET', 'POST', 'PATCH']));
      expect(server.requests.filter((r) => r.method !== 'HEAD').every((r) => r.headers.authorization === `Bearer ${TOKEN}`)).toBe(true);
    },
    CHILD_PROCESS_TIMEOUT,
  );

  it.concurrent(
    'exits 1 on drift, one line per violation, each naming its rule, and says how to replay',
    async () => {
      // One provider that breaks the contract a different way on each request: one CLI run shows them all.
      // (The CLI's reachability probe, a HEAD, comes first.)
      const sequence: Drift[] = ['none', 'missing-required-field', 'text-plain', 'method-not-allowed', 'truncated-json'];
      let served = 0;
      const server = await provider(() => sequence[Math.min(served++, sequence.length - 1)]!);
      const { code, stdout, stderr } = await runVerify([...baseArgs(server.url), '--max-requests', '5', '--seed', '3']);
      expect(code).toBe(1); // the provider's fault, never "request failed" (2)
      expect(stdout).toMatch(/^✗ getEndUser: the given end user: response \(body\) required: .*'created_at' \(status 200\)$/m);
      expect(stdout).toMatch(
        /^✗ getEndUser: an unknown id: status: answered 200 to a request for something that does not exist; expected 404/m,
      );
      expect(stdout).toMatch(/^✗ getEndUser: an unknown id: response \(body\) media-type: The received media type "text\/plain"/m);
      expect(stdout).toMatch(
        /^✗ listEndUsers: page 1 \(limit 1\): status: answered 405 to a request the contract accepts: expected 200: Method not allowed/m,
      );
      // The provider's status and content type, not a proxy's.
      expect(stdout).toMatch(
        /^✗ listEndUsers: lookup of the given end user’s external_id: response \(body\) json: the body is not JSON \(200, application\/json\): .* \(status 200\)$/m,
      );
      expect(stdout).not.toContain('undefined');
      expect(stdout).toMatch(/^verified 5 requests to getEndUser, listEndUsers, \d+ violations$/m);
      expect(stdout).toContain('replay this run with --seed 3');
      expect(stderr).toBe('note: --max-requests 5 left 34 of 34 invalid-request rules unchecked\n');
    },
    CHILD_PROCESS_TIMEOUT,
  );

  it.concurrent(
    'a provider that rate-limits everything: exit 2, the summary says what was not judged',
    async () => {
      const server = await provider('rate-limits-always');
      const { code, stdout, stderr } = await runVerify([...baseArgs(server.url), '--max-requests', '2']);
      expect(code).toBe(2);
      expect(stdout).toBe('verified 2 requests to getEndUser, 0 violations, 2 could not be judged (rate limited (429) after 4 retries)\n');
      expect(stderr).toMatch(
        /^ada-end-users-contract verify: could not judge 2 checks \(rate limited \(429\) after 4 retries\); no verdict/m,
      );
    },
    CHILD_PROCESS_TIMEOUT,
  );

  it.concurrent(
    'a run too short to verify every rule says which it left unchecked',
    async () => {
      const server = await provider('none');
      const { code, stderr } = await runVerify([...baseArgs(server.url), '--max-requests', '12']);
      expect(code).toBe(0);
      expect(stderr).toMatch(/^note: --max-requests 12 left \d+ of 34 invalid-request rules unchecked$/m);
    },
    CHILD_PROCESS_TIMEOUT,
  );

  it.concurrent(
    'a --base-url holding a password: exit 2, the password masked',
    async () => {
      const { code, stdout, stderr } = await runVerify([
        '--base-url',
        'https://ci:hunter2-secret@127.0.0.1:9/api',
        '--token',
        TOKEN,
        '--end-user-id',
        'x',
      ]);
      expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
      expect(stderr.split('\n')[0]).toBe(
        'ada-end-users-contract verify: --base-url must not contain credentials, got "https://ci:***@127.0.0.1:9/api"; pass the API token as --token',
      );
      expect(stderr).not.toContain('hunter2');
    },
    CHILD_PROCESS_TIMEOUT,
  );

  it.concurrent(
    'a one-letter token shreds no other word of a message',
    async () => {
      const port = await freePort();
      const { code, stderr } = await runVerify(['--base-url', `http://127.0.0.1:${port}`, '--token', 't', '--end-user-id', 'x']);
      expect(code).toBe(2);
      expect(stderr).toBe(`ada-end-users-contract verify: cannot reach http://127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}\n`);
    },
    CHILD_PROCESS_TIMEOUT,
  );

  it.concurrent.each(['redirects', 'redirects-302'] as const)(
    'a provider that redirects (%s, to another port of its host): exit 1, every 3xx a violation, nothing sent there',
    async (kind) => {
      const server = await provider(kind);
      const { code, stdout } = await runVerify([...baseArgs(server.url), '--max-requests', '10', '--seed', '5']);
      expect(code).toBe(1);
      expect(stdout).toMatch(/^✗ getEndUser: the given end user: status: answered 30[27] to a request the contract accepts: expected 200/m);
      expect(stdout).toMatch(/^verified 10 requests to .*, \d+ violations$/m);
      expect(server.elsewhere.requests).toEqual([]); // the token never left --base-url's origin
    },
    CHILD_PROCESS_TIMEOUT,
  );

  it.concurrent(
    'a provider answering 500 to everything: exit 1 after three requests (not_a_server_error), not minutes of retries',
    async () => {
      const server = await provider('server-error-always');
      const { code, stdout, stderr } = await runVerify(baseArgs(server.url));
      expect(code).toBe(1);
      expect(stdout).toMatch(
        /^✗ getEndUser: the given end user: status: answered 500 to a request the contract accepts: expected 200: Boom\. \(status 500\)$/m,
      );
      expect(stdout).toMatch(/^verified 3 requests to getEndUser, listEndUsers, 3 violations, 1 could not be judged/m);
      expect(stderr).toMatch(/^ada-end-users-contract verify: stopped early: the provider answered 5xx to 3 requests in a row/m);
      expect(server.requests.filter((r) => r.method !== 'HEAD')).toHaveLength(3); // a 500 is not retried
    },
    CHILD_PROCESS_TIMEOUT,
  );

  it.concurrent(
    'a provider that stops answering: the run ends when --max-time is spent, exit 2, saying so',
    async () => {
      let served = 0;
      const server = await provider(() => (served++ < 4 ? 'none' : 'hangs')); // the HEAD probe, then three answers
      const { code, stdout, stderr } = await runVerify([...baseArgs(server.url), '--max-time', '4']);
      expect(code).toBe(2);
      expect(stdout).toMatch(
        /^verified [1-4] requests to .*, 0 violations, 2 could not be judged \(the time budget \(4 s\) ran out; not sent: /m,
      );
      expect(stderr).toMatch(/^ada-end-users-contract verify: stopped early: the time budget \(4 s\) ran out$/m);
      expect(stderr).toMatch(/no verdict/);
    },
    CHILD_PROCESS_TIMEOUT,
  );

  const closedPort = freePort();
  const badArguments: Array<[string, () => Promise<string[]>, RegExp]> = [
    ['no token', async () => ['--base-url', 'http://127.0.0.1:9', '--end-user-id', 'x'], /--token is required/],
    ['no base URL', async () => ['--token', TOKEN, '--end-user-id', 'x'], /--base-url is required/],
    ['no end user id', async () => ['--base-url', 'http://127.0.0.1:9', '--token', TOKEN], /--end-user-id is required/],
    [
      'a malformed URL',
      async () => ['--base-url', 'acme.ada.support', '--token', TOKEN, '--end-user-id', 'x'],
      /--base-url must be an absolute http\(s\) URL/,
    ],
    [
      'an unreachable URL',
      async () => ['--base-url', `http://127.0.0.1:${await closedPort}`, '--token', TOKEN, '--end-user-id', 'x'],
      /cannot reach http:\/\/127\.0\.0\.1:\d+: connect ECONNREFUSED/,
    ],
    [
      'a bad --max-time',
      async () => ['--base-url', 'http://127.0.0.1:9', '--token', TOKEN, '--end-user-id', 'x', '--max-time', '0'],
      /--max-time must be an integer from 1 to 2147483/,
    ],
    [
      'a bad --max-requests',
      async () => ['--base-url', 'http://127.0.0.1:9', '--token', TOKEN, '--end-user-id', 'x', '--max-requests', '0'],
      /--max-requests must be an integer from 1 to/,
    ],
    [
      'an --interval-ms no timer can hold',
      async () => ['--base-url', 'http://127.0.0.1:9', '--token', TOKEN, '--end-user-id', 'x', '--interval-ms', String(2 ** 31)],
      /--interval-ms must be an integer from 0 to 2147483647/,
    ],
    [
      'an end-user id URL parsing would drop',
      async () => ['--base-url', 'http://127.0.0.1:9', '--token', TOKEN, '--end-user-id', '..'],
      /end_user_id \(path parameter\): must not be "\." or "\.\."/,
    ],
    [
      'a --webhook-port without --webhooks',
      async () => ['--base-url', 'http://127.0.0.1:9', '--token', TOKEN, '--end-user-id', 'x', '--webhook-port', '8787'],
      /--webhook-port needs --webhooks/,
    ],
    [
      '--webhooks without a secret',
      async () => ['--base-url', 'http://127.0.0.1:9', '--token', TOKEN, '--end-user-id', 'x', '--webhooks'],
      /--webhooks needs the endpoint's signing secret: --webhook-secret \(or set ADA_WEBHOOK_SECRET\)/,
    ],
    [
      'a --webhook-secret that is not one (never echoed)',
      async () => ['--base-url', 'http://127.0.0.1:9', '--token', TOKEN, '--end-user-id', 'x', '--webhooks', '--webhook-secret', TOKEN],
      /webhooks\.secret must be a signing secret such as whsec_ followed by base64/,
    ],
    [
      'a bad --webhook-port',
      async () => [
        '--base-url',
        'http://127.0.0.1:9',
        '--token',
        TOKEN,
        '--end-user-id',
        'x',
        '--webhooks',
        '--webhook-secret',
        `whsec_${Buffer.from('x'.repeat(24)).toString('base64')}`,
        '--webhook-port',
        '65536',
      ],
      /--webhook-port must be an integer from 0 to 65535/,
    ],
    [
      'an unknown flag',
      async () => ['--base-url', 'http://127.0.0.1:9', '--token', TOKEN, '--end-user-id', 'x', '--tokn', 'y'],
      /Unknown option '--tokn'/,
    ],
  ];
  it.concurrent.each(badArguments)(
    '%s: one line, exit 2, no stack trace, no token',
    async (_name, args, message) => {
      const { code, stdout, stderr } = await runVerify(await args());
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toMatch(message);
      expect(stderr.split('\n')[0]).toMatch(/^ada-end-users-contract verify: /);
      expect(stderr).not.toMatch(/^\s+at /m);
      expect(stderr).not.toContain(TOKEN);
    },
    CHILD_PROCESS_TIMEOUT,
  );

  it.concurrent(
    '--webhooks: says where it listens, judges what the provider delivers there, counts it; the secret never printed',
    async () => {
      const secret = `whsec_${Buffer.from('verify-cli-webhook-secret').toString('base64')}`;
      const port = await freePort();
      const server = await provider('none', { url: `http://127.0.0.1:${port}/`, secret });
      const { code, stdout, stderr } = await runVerify(
        [
          ...baseArgs(server.url),
          '--create',
          '--max-requests',
          '5',
          '--webhooks',
          '--webhook-port',
          String(port),
          '--webhook-wait-ms',
          '60000', // ends as soon as both arrive
        ],
        { ADA_WEBHOOK_SECRET: secret },
      );
      expect({ code, stdout, stderr }).toEqual({
        code: 0,
        stdout: 'verified 5 requests to getEndUser, updateEndUser, createEndUser, 2 webhooks received, 0 violations\n',
        stderr:
          `ada-end-users-contract verify: listening for webhooks on http://127.0.0.1:${port}/: the provider must deliver v1.end_user.created and v1.end_user.updated there\n` +
          'note: --max-requests 5 left 62 of 62 invalid-request rules unchecked\n',
      });
    },
    CHILD_PROCESS_TIMEOUT,
  );

  it.concurrent(
    'a provider that refuses the token (and quotes it): exit 2, token redacted',
    async () => {
      const server = await provider('refuses-token');
      const { code, stdout, stderr } = await runVerify(baseArgs(server.url));
      expect(code).toBe(2);
      expect(stderr).toMatch(/^ada-end-users-contract verify: the provider refused the token \(401\); check --token$/m);
      expect(stdout + stderr).not.toContain(TOKEN);
    },
    CHILD_PROCESS_TIMEOUT,
  );
});
