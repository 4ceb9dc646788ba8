// `verify --base-url URL --token T --end-user-id ID [--create] [--max-requests N] [--max-time SECONDS]
// [--interval-ms N] [--seed N] [--webhooks [--webhook-secret whsec_…] [--webhook-port N] [--webhook-host H]
// [--webhook-wait-ms N]] [--format text|json|junit] [--output FILE]`: checks that a real provider honours
// the contract, every operation (see src/verify/run.ts); --create also verifies the create, which makes real end users; --webhooks listens
// for the provider's webhooks and judges them (the secret may come from ADA_WEBHOOK_SECRET instead).
// Exit 0: every request judged, no violations. 1: violations (each printed). 2: bad arguments, a setup
// problem, or a run that could not judge every request (rate limited throughout, or its --max-time
// budget, default 300 s, ran out): never a false 0. Every run ends within its budget. A setup problem
// still writes its report (no verdict, and why), so CI shows it where it shows the others.
// The token is never printed (every line and report goes through redact()), nor a password in --base-url.
import { createScrub } from '../client/errors.js';
import { describeNetworkError } from '../client/transport.js';
import { describedEventTypes } from '../client/webhooks.js';
import { openapiDocument } from '../contract/spec.js';
// verify/report.js only: the run (and with it fast-check, which the arbitraries need) loads when verify
// runs, so that the other commands work where the optional peers are not installed.
import { checkVerifyOptions, formatViolation, VerifySetupError, type VerifyOptions, type VerifyReport } from '../verify/report.js';
import { type Command, flags, type Io, UsageError } from './command.js';
import { createReport, emitReport, reportFlags, textReport, verifyChecks } from './report.js';

const USAGE = [
  'usage: ada-end-users-contract verify --base-url URL --token T --end-user-id ID [--create] [--max-requests N]',
  '         [--max-time SECONDS] [--interval-ms N] [--seed N]',
  '         [--webhooks [--webhook-secret whsec_…] [--webhook-port N] [--webhook-host H] [--webhook-wait-ms N]]',
  '         [--format text|json|junit] [--output FILE]',
  '  --base-url URL       the provider (an Ada instance, or your stand-in for it)',
  '  --token T            its API token (or ADA_API_TOKEN); never printed',
  '  --end-user-id ID     an end user that exists there',
  '  --create             also verify the create (it makes real end users)',
  '  --max-requests N     the request budget; --max-time SECONDS the time budget (default 300)',
  '  --interval-ms N      the pause between requests; --seed N replays a run',
  "  --webhooks           listen for the provider's webhooks and judge them (--webhook-secret or ADA_WEBHOOK_SECRET)",
  '  --format             text (default), json (report.schema.json) or junit (JUnit XML: a testcase per check)',
  '  --output FILE        write the report there (default: stdout, the text lines then go to stderr)',
  '  Exit 0: no violations, every check judged; 1: violations; 2: bad arguments, setup, or checks not judged.',
].join('\n');

export const verifyCommand: Command = {
  summary: 'check that a provider honours the contract (every operation, and with --webhooks its webhooks)',
  usage: USAGE,
  run: (argv, io) => verify(argv, io),
};

async function verify(argv: readonly string[], io: Io): Promise<number> {
  let token = process.env.ADA_API_TOKEN ?? '';
  let webhookSecret = process.env.ADA_WEBHOOK_SECRET ?? '';
  /** A URL's password, shown as ***, also in text that does not parse as a URL. */
  const maskPasswords = (text: string) => text.replace(/(\/\/[^/?#@\s:]*:)[^/?#@\s]*@/g, '$1***@');
  const redact = (text: string) => maskPasswords(createScrub(webhookSecret)(createScrub(token)(text)));
  // A bad argument: one line and the usage (main adds it); a setup problem: one line. Both exit 2, redacted.
  const usage = (message: string): never => {
    throw new UsageError(redact(message));
  };
  const setup = (message: string): never => {
    throw new Error(redact(message));
  };

  function integer(name: string, raw: string | undefined, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
    if (raw === undefined) return undefined;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      usage(`--${name} must be an integer from ${min} to ${max}, got "${raw}"`);
    }
    return value;
  }

  const values: Record<string, string | boolean | undefined> = flags(argv, {
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
    format: { type: 'string' },
    output: { type: 'string' },
  });
  const report = reportFlags(values.format as string | undefined, values.output as string | undefined);
  // Every line of the text report, printed redacted as it comes (and kept for a text report to --output).
  const { say, said } = textReport(report, io, redact);
  const text = (name: string) => values[name] as string | undefined;
  token = text('token') ?? token;
  const baseUrl = text('base-url');
  const endUserId = text('end-user-id');
  if (!baseUrl) usage('--base-url is required');
  if (!token) usage('--token is required (or set ADA_API_TOKEN)');
  if (!endUserId) usage('--end-user-id is required');
  let url: URL;
  try {
    url = new URL(baseUrl!);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http');
  } catch {
    usage(`--base-url must be an absolute http(s) URL, got "${baseUrl}"`);
  }
  if (url!.username || url!.password) usage(`--base-url must not contain credentials, got "${baseUrl}"; pass the API token as --token`);
  const maxRequests = integer('max-requests', text('max-requests'), 1);
  const maxTime = integer('max-time', text('max-time'), 1, Math.floor((2 ** 31 - 1) / 1000));
  const intervalMs = integer('interval-ms', text('interval-ms'), 0, 2 ** 31 - 1);
  const seed = integer('seed', text('seed'), 0);
  webhookSecret = text('webhook-secret') ?? webhookSecret;
  const webhookFlags = ['webhook-secret', 'webhook-port', 'webhook-host', 'webhook-wait-ms'].filter((name) => values[name] !== undefined);
  if (!values.webhooks && webhookFlags.length > 0) usage(`--${webhookFlags[0]} needs --webhooks`);
  if (values.webhooks && !webhookSecret)
    usage(`--webhooks needs the endpoint's signing secret: --webhook-secret (or set ADA_WEBHOOK_SECRET)`);
  const webhookPort = integer('webhook-port', text('webhook-port'), 0, 65_535);
  const webhookWaitMs = integer('webhook-wait-ms', text('webhook-wait-ms'), 0, 2 ** 31 - 1);
  const webhookHost = text('webhook-host');

  const options: VerifyOptions = {
    baseUrl: baseUrl!,
    token,
    endUserId: endUserId!,
    ...(values.create ? { create: true } : {}),
    ...(maxRequests === undefined ? {} : { maxRequests }),
    ...(maxTime === undefined ? {} : { maxTimeMs: maxTime * 1000 }),
    ...(intervalMs === undefined ? {} : { intervalMs }),
    ...(seed === undefined ? {} : { seed }),
    ...(values.webhooks
      ? {
          webhooks: {
            secret: webhookSecret,
            ...(webhookPort === undefined ? {} : { port: webhookPort }),
            ...(webhookHost === undefined ? {} : { host: webhookHost }),
            ...(webhookWaitMs === undefined ? {} : { waitMs: webhookWaitMs }),
            onListening: (at: string) =>
              io.err(
                `ada-end-users-contract verify: listening for webhooks on ${at}: the provider must deliver ${describedEventTypes()} there`,
              ),
          },
        }
      : {}),
    onResult: (result) => {
      for (const violation of result.violations) say(formatViolation(violation));
    },
  };
  try {
    checkVerifyOptions(options);
  } catch (error) {
    usage((error as Error).message);
  }

  const startedAt = new Date();
  const write = (verdict: { exitCode: 0 | 1 | 2; summary: string; error?: string }, run?: VerifyReport) => {
    const written = createReport(
      {
        command: 'verify',
        exitCode: verdict.exitCode,
        summary: verdict.summary,
        ...(verdict.error === undefined ? {} : { error: verdict.error }),
        checks: run ? verifyChecks(run.results) : [],
        verify: {
          baseUrl: baseUrl!,
          contract: openapiDocument.info.version,
          ...((run?.seed ?? seed) === undefined ? {} : { seed: (run?.seed ?? seed)! }),
          requests: run?.requests ?? 0,
          operations: run?.operations ?? [],
          rulesChecked: run?.rulesChecked ?? 0,
          rulesTotal: run?.rulesTotal ?? 0,
          ...(run?.stopped === undefined ? {} : { stopped: run.stopped }),
          ...(run?.webhooks === undefined ? {} : { webhooks: run.webhooks }),
        },
      },
      startedAt,
    );
    emitReport(written, report, io, said, redact);
  };
  /** A setup problem: its report (no verdict, and why), then the one line main prints. */
  const setupFailed = (message: string): never => {
    write({ exitCode: 2, summary: `no verdict: ${message}`, error: message });
    return setup(message);
  };

  // Reachability next: a typo in the URL should not cost a Prism start-up.
  try {
    const probe = await fetch(url!, { method: 'HEAD', redirect: 'manual', signal: AbortSignal.timeout(10_000) });
    await probe.body?.cancel();
  } catch (error) {
    setupFailed(
      `cannot reach ${baseUrl}: ${(error as Error).name === 'TimeoutError' ? 'no answer within 10 s' : describeNetworkError(error)}`,
    );
  }

  // Where fast-check or Prism is missing, the line that says what to install: a setup problem.
  const { verifyProvider } = await import('../verify/run.js').catch((error: Error) => setupFailed(error.message));
  let run: VerifyReport;
  try {
    run = await verifyProvider(options);
  } catch (error) {
    if (error instanceof VerifySetupError || error instanceof TypeError) return setupFailed((error as Error).message);
    io.err(redact(`ada-end-users-contract verify: unexpected error: ${(error as Error).stack ?? String(error)}`));
    write({ exitCode: 2, summary: 'no verdict: unexpected error', error: `unexpected error: ${(error as Error).message}` });
    return 2;
  }
  if (run.rulesChecked < run.rulesTotal && !run.stopped) {
    io.err(
      `note: --max-requests ${run.requests} left ${run.rulesTotal - run.rulesChecked} of ${run.rulesTotal} invalid-request rules unchecked`,
    );
  }
  const count = run.violations.length;
  const unjudged = run.unjudged.length;
  if (run.stopped) io.err(redact(`ada-end-users-contract verify: stopped early: ${run.stopped}`));
  const reasons = [...new Set(run.unjudged.map((u) => u.reason))].join('; ');
  const hooks = run.webhooks;
  const webhooks = hooks
    ? `, ${hooks.received} webhook${hooks.received === 1 ? '' : 's'} received` +
      (hooks.ignored > 0 ? ` (and ${hooks.ignored} of event types the contract does not describe, not judged)` : '')
    : '';
  const summary =
    `verified ${run.requests} requests to ${run.operations.join(', ')}${webhooks}, ${count} violation${count === 1 ? '' : 's'}` +
    (unjudged > 0 ? `, ${unjudged} could not be judged (${reasons})` : '');
  say(summary);
  // Nothing wrong seen but not everything seen: no verdict (2), never a pass.
  const exitCode = count > 0 ? 1 : unjudged > 0 ? 2 : 0;
  if (exitCode === 1) say(`replay this run with --seed ${run.seed}`);
  if (exitCode === 2) {
    io.err(`ada-end-users-contract verify: could not judge ${unjudged} check${unjudged === 1 ? '' : 's'} (${reasons}); no verdict`);
  }
  write({ exitCode, summary }, run);
  return exitCode;
}
