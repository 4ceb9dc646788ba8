// `npm run verify -- --base-url <url> --token <token> --end-user-id <id> [--create] [--max-requests N]
//   [--max-time SECONDS] [--interval-ms N] [--seed N] [--webhooks [--webhook-secret whsec_…] [--webhook-port N]
//   [--webhook-host H] [--webhook-wait-ms N]]`: checks that a real provider honours the contract, every
//   operation (see src/verify/run.ts); --create also verifies the create, which makes real end users;
//   --webhooks listens for the provider's webhooks and judges them (the secret may come from
//   ADA_WEBHOOK_SECRET instead).
// Exit 0: every request judged, no violations. 1: violations (each printed). 2: bad arguments, a setup
// problem, or a run that could not judge every request (rate limited throughout, or its --max-time
// budget, default 300 s, ran out): never a false 0. Every run ends within its budget.
// The token is never printed (every line goes through redact()), nor a password in --base-url.
import { parseArgs } from 'node:util';
import { createScrub } from '../src/client/errors.js';
import { describeNetworkError } from '../src/client/transport.js';
import { describedEventTypes } from '../src/client/webhooks.js';
import { checkVerifyOptions, formatViolation, VerifySetupError, verifyProvider, type VerifyOptions } from '../src/verify/index.js';

const USAGE =
  'usage: npm run verify -- --base-url <url> --token <token> --end-user-id <id> [--create] [--max-requests N] [--max-time SECONDS] [--interval-ms N] [--seed N] [--webhooks [--webhook-secret whsec_…] [--webhook-port N] [--webhook-host H] [--webhook-wait-ms N]]';

let token = process.env.ADA_API_TOKEN ?? '';
let webhookSecret = process.env.ADA_WEBHOOK_SECRET ?? '';
/** A URL's password, shown as ***, also in text that does not parse as a URL. */
const maskPasswords = (text: string) => text.replace(/(\/\/[^/?#@\s:]*:)[^/?#@\s]*@/g, '$1***@');
const redact = (text: string) => maskPasswords(createScrub(webhookSecret)(createScrub(token)(text)));
const fail = (message: string): never => {
  console.error(redact(`verify: ${message}`));
  process.exit(2);
};

function integer(name: string, raw: string | undefined, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    fail(`--${name} must be an integer from ${min} to ${max}, got "${raw}"\n${USAGE}`);
  }
  return value;
}

let values: Record<string, string | boolean | undefined>;
try {
  ({ values } = parseArgs({
    options: {
      'base-url': { type: 'string' },
      token: { type: 'string' },
      'end-user-id': { type: 'string' },
      create: { type: 'boolean' },
      'max-requests': { type: 'string' },
      'max-time': { type: 'string' },
      'interval-ms': { type: 'string' },
      seed: { type: 'string' },
      webhooks: { type: 'boolean' },
      'webhook-secret': { type: 'string' },
      'webhook-port': { type: 'string' },
      'webhook-host': { type: 'string' },
      'webhook-wait-ms': { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  }) as { values: Record<string, string | boolean | undefined> });
} catch (error) {
  fail(`${(error as Error).message}\n${USAGE}`);
}
const text = (name: string) => values![name] as string | undefined;
token = text('token') ?? token;
const baseUrl = text('base-url');
const endUserId = text('end-user-id');
if (!baseUrl) fail(`--base-url is required\n${USAGE}`);
if (!token) fail(`--token is required (or set ADA_API_TOKEN)\n${USAGE}`);
if (!endUserId) fail(`--end-user-id is required\n${USAGE}`);
let url: URL;
try {
  url = new URL(baseUrl!);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http');
} catch {
  fail(`--base-url must be an absolute http(s) URL, got "${baseUrl}"`);
}
if (url!.username || url!.password) fail(`--base-url must not contain credentials, got "${baseUrl}"; pass the API token as --token`);
const maxRequests = integer('max-requests', text('max-requests'), 1);
const maxTime = integer('max-time', text('max-time'), 1, Math.floor((2 ** 31 - 1) / 1000));
const intervalMs = integer('interval-ms', text('interval-ms'), 0, 2 ** 31 - 1);
const seed = integer('seed', text('seed'), 0);
webhookSecret = text('webhook-secret') ?? webhookSecret;
const webhookFlags = ['webhook-secret', 'webhook-port', 'webhook-host', 'webhook-wait-ms'].filter((name) => values![name] !== undefined);
if (!values!.webhooks && webhookFlags.length > 0) fail(`--${webhookFlags[0]} needs --webhooks\n${USAGE}`);
if (values!.webhooks && !webhookSecret)
  fail(`--webhooks needs the endpoint's signing secret: --webhook-secret (or set ADA_WEBHOOK_SECRET)\n${USAGE}`);
const webhookPort = integer('webhook-port', text('webhook-port'), 0, 65_535);
const webhookWaitMs = integer('webhook-wait-ms', text('webhook-wait-ms'), 0, 2 ** 31 - 1);
const webhookHost = text('webhook-host');

const options: VerifyOptions = {
  baseUrl: baseUrl!,
  token,
  endUserId: endUserId!,
  ...(values!.create ? { create: true } : {}),
  ...(maxRequests === undefined ? {} : { maxRequests }),
  ...(maxTime === undefined ? {} : { maxTimeMs: maxTime * 1000 }),
  ...(intervalMs === undefined ? {} : { intervalMs }),
  ...(seed === undefined ? {} : { seed }),
  ...(values!.webhooks
    ? {
        webhooks: {
          secret: webhookSecret,
          ...(webhookPort === undefined ? {} : { port: webhookPort }),
          ...(webhookHost === undefined ? {} : { host: webhookHost }),
          ...(webhookWaitMs === undefined ? {} : { waitMs: webhookWaitMs }),
          onListening: (at: string) =>
            console.error(`verify: listening for webhooks on ${at}: the provider must deliver ${describedEventTypes()} there`),
        },
      }
    : {}),
  onResult: (result) => {
    for (const violation of result.violations) console.log(redact(formatViolation(violation)));
  },
};
try {
  checkVerifyOptions(options);
} catch (error) {
  fail((error as Error).message);
}

// Reachability next: a typo in the URL should not cost a Prism start-up.
try {
  const probe = await fetch(url!, { method: 'HEAD', redirect: 'manual', signal: AbortSignal.timeout(10_000) });
  await probe.body?.cancel();
} catch (error) {
  fail(`cannot reach ${baseUrl}: ${(error as Error).name === 'TimeoutError' ? 'no answer within 10 s' : describeNetworkError(error)}`);
}

try {
  const report = await verifyProvider(options);
  if (report.rulesChecked < report.rulesTotal && !report.stopped) {
    console.error(
      `note: --max-requests ${report.requests} left ${report.rulesTotal - report.rulesChecked} of ${report.rulesTotal} invalid-request rules unchecked`,
    );
  }
  const count = report.violations.length;
  const unjudged = report.unjudged.length;
  if (report.stopped) console.error(redact(`verify: stopped early: ${report.stopped}`));
  const reasons = [...new Set(report.unjudged.map((u) => u.reason))].join('; ');
  const hooks = report.webhooks;
  const webhooks = hooks
    ? `, ${hooks.received} webhook${hooks.received === 1 ? '' : 's'} received` +
      (hooks.ignored > 0 ? ` (and ${hooks.ignored} of event types the contract does not describe, not judged)` : '')
    : '';
  console.log(
    `verified ${report.requests} requests to ${report.operations.join(', ')}${webhooks}, ${count} violation${count === 1 ? '' : 's'}` +
      (unjudged > 0 ? `, ${unjudged} could not be judged (${reasons})` : ''),
  );
  if (count > 0) {
    console.log(`replay this run with --seed ${report.seed}`);
    process.exitCode = 1;
  } else if (unjudged > 0) {
    // Nothing wrong was seen, but not everything was seen: that is no verdict.
    console.error(`verify: could not judge ${unjudged} check${unjudged === 1 ? '' : 's'} (${reasons}); no verdict`);
    process.exitCode = 2;
  }
} catch (error) {
  if (error instanceof VerifySetupError || error instanceof TypeError) fail((error as Error).message);
  console.error(redact(`verify: unexpected error: ${(error as Error).stack ?? String(error)}`));
  process.exitCode = 2;
}
