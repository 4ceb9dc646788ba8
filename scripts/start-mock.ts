// `npm start`: Prism on spec/openapi.yaml at 127.0.0.1:4010 (PORT overrides; PORT=0 picks a free one),
// with --errors and quiet logs, until Ctrl-C or SIGTERM. Prints a curl line that works as pasted.
import { fileURLToPath } from 'node:url';
import { startMock } from '../src/mock.js';
import { openapiDocument, UPDATE_END_USER_PATH } from '../src/spec.js';

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

// The curl body is the operation's first request example, so the line stays true to the spec.
const operation = openapiDocument.paths[UPDATE_END_USER_PATH].patch;
const [firstExample] = Object.values(operation.requestBody.content['application/json'].examples);
const exampleRef = (firstExample as { $ref: string }).$ref.split('/').at(-1) as keyof typeof openapiDocument.components.examples;
const body = JSON.stringify(openapiDocument.components.examples[exampleRef].value);
const path = UPDATE_END_USER_PATH.replace('{end_user_id}', openapiDocument.components.parameters.EndUserId.example);

console.log(`Prism mock of ${openapiDocument.info.title} ${openapiDocument.info.version} on ${mock.url} (spec/openapi.yaml, --errors)`);
console.log('Try it:');
console.log(
  `curl -sS -X PATCH '${mock.url}${path}' -H 'Authorization: Bearer test-token' ` +
    `-H 'Content-Type: application/json' -d '${body.replace(/'/g, `'\\''`)}'`,
);

// Shutdown: SIGINT (Ctrl-C) and SIGTERM (`kill`, CI), or the parent going away without a word (npm
// killed with SIGKILL): the mock never outlives whoever started it. A second signal, or a stop that
// takes longer than 3 s, ends the process at once (the Prism host follows it: it exits on disconnect).
const parent = process.ppid;
let stopping = false;
function shutdown(): void {
  if (stopping) process.exit(1);
  stopping = true;
  setTimeout(() => process.exit(1), 3000).unref();
  void mock.stop().then(() => process.exit(0), () => process.exit(1));
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, shutdown);
setInterval(() => process.ppid !== parent && shutdown(), 500).unref();
