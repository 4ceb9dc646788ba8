// `npm start`: Prism on spec/openapi.yaml at 127.0.0.1:4010 (PORT overrides; PORT=0 picks a free one),
// with --errors and quiet logs, until Ctrl-C or SIGTERM. Prints a curl line per operation that works as pasted.
import { fileURLToPath } from 'node:url';
import { startMock } from '../src/mock.js';
import { operations, type OperationInfo } from '../src/operations.js';
import { nodeAt, openapiDocument } from '../src/spec.js';

const port = Number(process.env.PORT ?? 4010);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be an integer from 0 to 65535 (0: any free port), got ${JSON.stringify(process.env.PORT)}`);
  process.exit(2);
}

const spec = fileURLToPath(new URL('../spec/openapi.yaml', import.meta.url));
const mock = await startMock({ port, spec, onOutput: (text) => process.stderr.write(text) }).catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});

console.log(`Prism mock of ${openapiDocument.info.title} ${openapiDocument.info.version} on ${mock.url} (spec/openapi.yaml, --errors)`);
console.log('Try each operation:');
for (const op of Object.values(operations))
  console.log(`# ${op.operationId}: ${(nodeAt(op.pointer) as { summary?: string }).summary ?? ''}\n${tryIt(op)}`);

/**
 * A curl line that works as pasted: the operation's path and query from its parameters' examples
 * (never two of exclusive groups), and its first request example as the body, so it stays true to the spec.
 */
function tryIt(op: OperationInfo): string {
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
    if (parameter.in === 'query' && !conflicts) {
      query.set(parameter.name, example(parameter.pointer));
      used.push(parameter.name);
    }
  }
  const body = op.body ? Object.values(op.body.examples)[0] : undefined;
  const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;
  return [
    `curl -sS -X ${op.method.toUpperCase()} ${quote(`${mock.url}${path}${query.size > 0 ? `?${query}` : ''}`)} -H 'Authorization: Bearer test-token'`,
    ...(body === undefined ? [] : [`-H 'Content-Type: application/json' -d ${quote(JSON.stringify(body))}`]),
  ].join(' ');
}

// Shutdown: SIGINT (Ctrl-C) and SIGTERM (`kill`, CI), or the parent going away without a word (npm
// killed with SIGKILL): the mock never outlives whoever started it. A second signal, or a stop that
// takes longer than 3 s, ends the process at once (the Prism host follows it: it exits on disconnect).
const parent = process.ppid;
let stopping = false;
function shutdown(): void {
  if (stopping) process.exit(1);
  stopping = true;
  setTimeout(() => process.exit(1), 3000).unref();
  void mock.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, shutdown);
setInterval(() => process.ppid !== parent && shutdown(), 500).unref();
