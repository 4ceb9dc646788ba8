// `npm start`: Prism on spec/openapi.yaml at 127.0.0.1:4010 (PORT overrides; PORT=0 picks a free one),
// with --errors and quiet logs, until Ctrl-C or SIGTERM. Prints a curl line per operation that works as pasted.
// `npm start -- --stateful`: the stateful fake instead (a store behind Prism), with its options as flags:
//   --seed file.json  --metadata merge|replace  --upsert-profile ignore|apply
//   --webhook-url URL --webhook-secret whsec_…
import { readFileSync } from 'node:fs';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startMock, type RunningMock, type SeedEndUser, type StartFakeOptions } from '../src/mock/mock.js';
import { operations, type OperationInfo } from '../src/contract/operations.js';
import { nodeAt, openapiDocument } from '../src/contract/spec.js';

const USAGE =
  'usage: npm start [-- --stateful [--seed file.json] [--metadata merge|replace] [--upsert-profile ignore|apply] [--webhook-url URL --webhook-secret whsec_…]]';
const fail = (message: string): never => {
  console.error(`npm start: ${message}\n${USAGE}`);
  process.exit(2);
};

const port = Number(process.env.PORT ?? 4010);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be an integer from 0 to 65535 (0: any free port), got ${JSON.stringify(process.env.PORT)}`);
  process.exit(2);
}

let flags: {
  stateful?: boolean;
  seed?: string;
  metadata?: string;
  'upsert-profile'?: string;
  'webhook-url'?: string;
  'webhook-secret'?: string;
} = {};
try {
  flags = parseArgs({
    options: {
      stateful: { type: 'boolean' },
      seed: { type: 'string' },
      metadata: { type: 'string' },
      'upsert-profile': { type: 'string' },
      'webhook-url': { type: 'string' },
      'webhook-secret': { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  }).values;
} catch (error) {
  fail((error as Error).message);
}
const fakeOnly = (['seed', 'metadata', 'upsert-profile', 'webhook-url', 'webhook-secret'] as const).filter(
  (flag) => flags[flag] !== undefined,
);
if (!flags.stateful && fakeOnly.length > 0) fail(`--${fakeOnly[0]} is an option of the stateful fake: add --stateful`);

function fakeOptions(): StartFakeOptions {
  const options: StartFakeOptions = {};
  if (flags.seed !== undefined) {
    let seed: unknown;
    try {
      seed = JSON.parse(readFileSync(flags.seed, 'utf8'));
    } catch (error) {
      fail(`--seed ${flags.seed}: ${(error as Error).message}`);
    }
    if (!Array.isArray(seed)) fail(`--seed ${flags.seed}: must hold a JSON array of end users`);
    options.seed = seed as SeedEndUser[];
  }
  if (flags.metadata !== undefined) {
    if (flags.metadata !== 'merge' && flags.metadata !== 'replace') fail(`--metadata must be merge or replace, got "${flags.metadata}"`);
    options.metadata = flags.metadata as 'merge' | 'replace';
  }
  if (flags['upsert-profile'] !== undefined) {
    if (flags['upsert-profile'] !== 'ignore' && flags['upsert-profile'] !== 'apply')
      fail(`--upsert-profile must be ignore or apply, got "${flags['upsert-profile']}"`);
    options.upsertProfile = flags['upsert-profile'] as 'ignore' | 'apply';
  }
  if ((flags['webhook-url'] === undefined) !== (flags['webhook-secret'] === undefined))
    fail('--webhook-url and --webhook-secret go together');
  if (flags['webhook-url'] !== undefined) options.webhooks = { url: flags['webhook-url'], secret: flags['webhook-secret']! };
  return options;
}

// Shutdown: SIGINT (Ctrl-C) and SIGTERM (`kill`, CI), or the parent going away without a word (npm
// killed with SIGKILL): the mock never outlives whoever started it. A signal exits with 128 + its number
// (130 for Ctrl-C), as a shell reports it, however many copies arrive: Ctrl-C signals the whole process
// group, and npm passes its own copy on. The handlers are in place before anything starts or is printed:
// a signal that came first would end the process with the default action (and npm then re-raises it).
// A stop that takes longer than 3 s ends the process at once (the Prism host exits on disconnect).
const parent = process.ppid;
let mock: RunningMock | undefined;
let stopping = false;
function shutdown(code: number): void {
  if (stopping) return;
  stopping = true;
  setTimeout(() => process.exit(code), 3000).unref();
  void (mock?.stop() ?? Promise.resolve()).finally(() => process.exit(code));
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => shutdown(128 + constants.signals[signal]));
setInterval(() => process.ppid !== parent && shutdown(1), 500).unref();

const spec = fileURLToPath(new URL('../spec/openapi.yaml', import.meta.url));
const onOutput = (text: string) => process.stderr.write(text);
try {
  // The spec as written (edits show at the next start); the kit's rules too, as startMock() holds them.
  mock = flags.stateful
    ? await startMock({ stateful: true, port, onOutput, ...fakeOptions() })
    : await startMock({ port, spec, onOutput, rules: 'kit' });
} catch (error) {
  // A bad seed or webhook option is a usage error; anything else (a port in use) a failed start.
  if (error instanceof TypeError) fail((error as Error).message);
  console.error((error as Error).message);
  process.exit(1);
}

if (flags.stateful) {
  console.log(
    `Stateful fake of ${openapiDocument.info.title} ${openapiDocument.info.version} on ${mock!.url} (a store behind Prism's --errors proxy)`,
  );
  console.log('Try it: create an end user, then list them (get and update with the end_user_id it answers):');
  for (const operationId of ['createEndUser', 'listEndUsers']) {
    const op = operations[operationId]!;
    console.log(`# ${op.operationId}: ${(nodeAt(op.pointer) as { summary?: string }).summary ?? ''}\n${tryIt(op, ['cursor'])}`);
  }
} else {
  console.log(`Prism mock of ${openapiDocument.info.title} ${openapiDocument.info.version} on ${mock!.url} (spec/openapi.yaml, --errors)`);
  console.log('Try each operation:');
  for (const op of Object.values(operations))
    console.log(`# ${op.operationId}: ${(nodeAt(op.pointer) as { summary?: string }).summary ?? ''}\n${tryIt(op)}`);
}

/**
 * A curl line that works as pasted: the operation's path and query from its parameters' examples
 * (never two of exclusive groups), and its first request example as the body, so it stays true to the spec.
 */
function tryIt(op: OperationInfo, skip: readonly string[] = []): string {
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
  return [
    `curl -sS -X ${op.method.toUpperCase()} ${quote(`${mock!.url}${path}${query.size > 0 ? `?${query}` : ''}`)} -H 'Authorization: Bearer test-token'`,
    ...(body === undefined ? [] : [`-H 'Content-Type: application/json' -d ${quote(JSON.stringify(body))}`]),
  ].join(' ');
}

// The mock is gone without a stop (its Prism host killed, out of memory): say so, and fail.
void mock!.ended.then((reason) => {
  if (reason === undefined || stopping) return;
  console.error(`npm start: the mock stopped serving: ${reason}`);
  shutdown(1);
});
