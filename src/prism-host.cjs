// The Prism host: a child process that loads Prism once (about 1.5 s of module loading) and then starts
// and stops Prism servers on request, so that every startMock()/startProxy() after the first in a
// process costs a server, not a process. Plain CommonJS: it runs in the child as it is shipped.
// Messages from the parent: {id, type: 'start', spec, host, port, errors, upstream?} and
// {id, type: 'stop', server: <id of its start>}. argv[2] is Prism's package.json, to load Prism from there.
// Answers: {id, ok: true} or {id, ok: false, error}. Logs (pino JSON lines, level warn) go to stdout.
'use strict';
const requirePrism = require('node:module').createRequire(process.argv[2]);
const { createServer } = requirePrism('@stoplight/prism-http-server');
const { getHttpOperationsFromSpec } = requirePrism('@stoplight/prism-http');
const { createLogger } = requirePrism('@stoplight/prism-core');

const logger = createLogger('PRISM', { level: 'warn' });
const servers = new Map();

async function start({ spec, host, port, errors, upstream }) {
  const operations = await getHttpOperationsFromSpec(spec);
  if (operations.length === 0) throw new Error('No operations found in the current file.');
  // The same configuration as `prism mock` / `prism proxy` with their defaults and --errors as asked.
  const shared = {
    validateRequest: true,
    validateResponse: true,
    checkSecurity: true,
    errors,
    upstreamProxy: undefined,
    mock: { dynamic: false, ignoreExamples: false },
  };
  const config = upstream ? { ...shared, isProxy: true, upstream: new URL(upstream) } : { ...shared, isProxy: false };
  const server = createServer(operations, { cors: true, config, components: { logger: logger.child({ name: 'HTTP SERVER' }) } });
  await server.listen(port, host);
  return server;
}

process.on('message', async (message) => {
  const answer = (extra) => process.send({ id: message.id, ...extra });
  try {
    if (message.type === 'start') servers.set(message.id, await start(message));
    if (message.type === 'stop') {
      await servers.get(message.server)?.close();
      servers.delete(message.server);
    }
    answer({ ok: true });
  } catch (error) {
    answer({ ok: false, error: error && error.message ? error.message : String(error) });
  }
});
// The parent went away: so does the host, with every server in it.
process.on('disconnect', () => process.exit(0));
process.send({ id: 0, ok: true }); // loaded
