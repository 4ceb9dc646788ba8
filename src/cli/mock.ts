// `mock [--port N] [--host H] [--spec FILE]`: the Prism mock with the kit's rules, until Ctrl-C or SIGTERM;
// `mock --stateful [--seed FILE] [--metadata merge|replace] [--upsert-profile ignore|apply]
// [--webhook-url URL --webhook-secret whsec_…]`: the stateful fake. Prints the URL and a curl line per
// operation that works as pasted. The command owns its process: it ends it, with 128 + the signal's
// number on a signal (130 for Ctrl-C, as a shell reports it), 1 if the mock dies, 2 for a bad argument.
import { readFileSync } from 'node:fs';
import { constants } from 'node:os';
import { operations, type OperationInfo } from '../contract/operations.js';
import { nodeAt, openapiDocument } from '../contract/spec.js';
import type { StartFakeOptions } from '../fake/start.js';
import { type RunningMock, type SeedEndUser, startMock } from '../mock/mock.js';
import { type Command, flags, type Io, oneOf, UsageError } from './command.js';

const USAGE = [
  'usage: ada-end-users-contract mock [--port N] [--host H] [--spec FILE [--rules kit|prism]]',
  '       ada-end-users-contract mock --stateful [--port N] [--host H] [--seed FILE] [--metadata merge|replace]',
  '                                   [--upsert-profile ignore|apply] [--webhook-url URL --webhook-secret whsec_…]',
  '  --port N          port to listen on (default: PORT from the environment, else 4010; 0: any free port)',
  '  --host H          address to listen on (default 127.0.0.1; 0.0.0.0 to be reached from other containers)',
  '  --spec FILE       the spec to mock (default: the bundled contract); not with --stateful',
  "  --rules           with --spec: prism (default: what Prism enforces) or kit (also the kit's rules, which",
  "                    are the bundled contract's: for an edited copy of it)",
  '  --stateful        the stateful fake: a store behind Prism, whose answers follow what was sent',
  '  --seed FILE       a JSON array of end users the fake starts with',
  '  --metadata        merge (default) or replace: how an update treats stored metadata (Ada does not say)',
  '  --upsert-profile  ignore (default) or apply: whether a create that finds its external_id applies the profile',
  '  --webhook-url, --webhook-secret   send signed v1.end_user.created / updated webhooks there',
].join('\n');

export const mockCommand: Command = {
  summary: 'serve the Prism mock (or, with --stateful, the stateful fake) until Ctrl-C or SIGTERM',
  usage: USAGE,
  run: (argv, io) => serve(argv, io),
};

const FAKE_ONLY = ['seed', 'metadata', 'upsert-profile', 'webhook-url', 'webhook-secret'] as const;

async function serve(argv: readonly string[], io: Io): Promise<number> {
  const given = flags(argv, {
    port: { type: 'string' },
    host: { type: 'string' },
    spec: { type: 'string' },
    rules: { type: 'string' },
    stateful: { type: 'boolean' },
    seed: { type: 'string' },
    metadata: { type: 'string' },
    'upsert-profile': { type: 'string' },
    'webhook-url': { type: 'string' },
    'webhook-secret': { type: 'string' },
  });
  const rawPort = given.port ?? process.env.PORT ?? '4010';
  const port = Number(rawPort);
  if (!/^\d+$/.test(rawPort) || port > 65535)
    throw new UsageError(`--port (or PORT) must be an integer from 0 to 65535 (0: any free port), got "${rawPort}"`);
  if (given.host === '') throw new UsageError('--host must not be empty');
  const fakeOnly = FAKE_ONLY.filter((flag) => given[flag] !== undefined);
  if (!given.stateful && fakeOnly.length > 0) throw new UsageError(`--${fakeOnly[0]} is an option of the stateful fake: add --stateful`);
  if (given.stateful && given.spec !== undefined)
    throw new UsageError('--spec cannot be given with --stateful: the fake serves the bundled contract');
  if (given.rules !== undefined && given.spec === undefined)
    throw new UsageError("--rules goes with --spec (the bundled contract is served with the kit's rules)");
  const rules = oneOf('rules', given.rules, ['prism', 'kit'], 'prism');
  const fake = given.stateful ? fakeOptions(given) : undefined;

  // Shutdown: SIGINT (Ctrl-C), SIGTERM (`kill`, CI), SIGHUP, or the parent going away without a word (npm
  // killed with SIGKILL): the mock never outlives whoever started it. However many copies of a signal
  // arrive (Ctrl-C signals the whole process group, and npm passes its own copy on), it exits once. The
  // handlers are in place before anything starts; a stop that takes over 3 s ends the process at once.
  const parent = process.ppid;
  let mock: RunningMock | undefined;
  let stopping = false;
  const shutdown = (code: number): void => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => process.exit(code), 3000).unref();
    void (mock?.stop() ?? Promise.resolve()).finally(() => process.exit(code));
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => shutdown(128 + constants.signals[signal]));
  setInterval(() => process.ppid !== parent && shutdown(1), 500).unref();

  const common = { port, onOutput: (text: string) => process.stderr.write(text), ...(given.host ? { host: given.host } : {}) };
  try {
    mock = fake
      ? await startMock({ stateful: true, ...common, ...fake })
      : await startMock({ ...common, ...(given.spec === undefined ? {} : { spec: given.spec, rules }) });
  } catch (error) {
    // A bad seed or webhook option is a usage error; anything else (a port in use) a failed start.
    if (error instanceof TypeError) throw new UsageError(error.message);
    io.err(`ada-end-users-contract mock: ${(error as Error).message}`);
    process.exit(1);
  }
  const { title, version } = openapiDocument.info;
  if (fake) {
    io.out(`Stateful fake of ${title} ${version} on ${mock.url} (a store behind Prism's --errors proxy)`);
    io.out('Try it: create an end user, then list them (get and update with the end_user_id it answers):');
    for (const operationId of ['createEndUser', 'listEndUsers']) io.out(tryIt(operations[operationId]!, mock.url, ['cursor']));
  } else {
    io.out(`Prism mock of ${title} ${version} on ${mock.url} (${given.spec ?? 'the bundled contract'}, --errors)`);
    io.out('Try each operation:');
    for (const op of Object.values(operations)) io.out(tryIt(op, mock.url));
  }
  // Served until a signal or the mock's end: gone without a stop (its Prism host killed), it says so and fails.
  const reason = await mock.ended;
  if (reason !== undefined && !stopping) {
    io.err(`ada-end-users-contract mock: the mock stopped serving: ${reason}`);
    shutdown(1);
  }
  return new Promise<number>(() => {}); // the process ends in shutdown()
}

function fakeOptions(given: Partial<Record<(typeof FAKE_ONLY)[number], string>>): StartFakeOptions {
  const options: StartFakeOptions = {};
  if (given.seed !== undefined) {
    let seed: unknown;
    try {
      seed = JSON.parse(readFileSync(given.seed, 'utf8'));
    } catch (error) {
      throw new UsageError(`--seed ${given.seed}: ${(error as Error).message}`);
    }
    if (!Array.isArray(seed)) throw new UsageError(`--seed ${given.seed}: must hold a JSON array of end users`);
    options.seed = seed as SeedEndUser[];
  }
  if (given.metadata !== undefined) options.metadata = oneOf('metadata', given.metadata, ['merge', 'replace'], 'merge');
  if (given['upsert-profile'] !== undefined)
    options.upsertProfile = oneOf('upsert-profile', given['upsert-profile'], ['ignore', 'apply'], 'ignore');
  if ((given['webhook-url'] === undefined) !== (given['webhook-secret'] === undefined)) {
    throw new UsageError('--webhook-url and --webhook-secret go together');
  }
  if (given['webhook-url'] !== undefined) options.webhooks = { url: given['webhook-url'], secret: given['webhook-secret']! };
  return options;
}

/**
 * `# operationId: summary` and a curl line that works as pasted: the operation's path and query from its
 * parameters' examples (never two of exclusive groups), and its first request example as the body.
 */
function tryIt(op: OperationInfo, url: string, skip: readonly string[] = []): string {
  const example = (pointer: string) => String((nodeAt(pointer) as { example?: unknown }).example ?? '');
  let path = op.path;
  const query = new URLSearchParams();
  const used: string[] = [];
  for (const parameter of op.parameters) {
    if (parameter.in === 'path') path = path.replace(`{${parameter.name}}`, encodeURIComponent(example(parameter.pointer)));
    const conflicts = op.exclusiveGroups.some(
      (group) =>
        group.includes(parameter.name) && op.exclusiveGroups.some((other) => other !== group && other.some((name) => used.includes(name))),
    );
    if (parameter.in === 'query' && !conflicts && !skip.includes(parameter.name)) {
      query.set(parameter.name, example(parameter.pointer));
      used.push(parameter.name);
    }
  }
  const body = op.body ? Object.values(op.body.examples)[0] : undefined;
  const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;
  const curl = [
    `curl -sS -X ${op.method.toUpperCase()} ${quote(`${url}${path}${query.size > 0 ? `?${query}` : ''}`)} -H 'Authorization: Bearer test-token'`,
    ...(body === undefined ? [] : [`-H 'Content-Type: application/json' -d ${quote(JSON.stringify(body))}`]),
  ].join(' ');
  return `# ${op.operationId}: ${(nodeAt(op.pointer) as { summary?: string }).summary ?? ''}\n${curl}`;
}
