// @ts-check
// The Prism host: a child process that loads Prism once (about 0.5 s of module loading, with the
// deferrals below) and then starts and stops Prism servers on request, so that every
// startMock()/startProxy() after the first in a process costs a server, not a process. Plain CommonJS:
// it runs in the child as it is shipped.
// Messages from the parent: {id, type: 'start', spec, host, port, errors, bodyLimit, upstream?, answers?,
// forwardHeaders?, judge?} (port 0: the system picks a free one, so that concurrent runs never race for a
// port) and {id, type: 'stop', server: <id of its start>}, which also cancels a start still under way.
// argv[2] is Prism's package.json, to load Prism from there. Answers: {id, ok: true, port?} or {id, ok:
// false, error}. With `judge`, the server asks the parent about each request Prism let through:
// {type: 'judge', server, call, request} to the parent, {type: 'judged', call, answer?} back. Logs (pino
// JSON lines, level warn) go to stdout.
'use strict';
const Module = require('node:module');
const requirePrism = Module.createRequire(process.argv[2]);
const { createPrismServer } = require('./http.cjs');

// Modules Prism requires as it loads but the kit's servers seldom or never use: @faker-js/faker (1.2 s of
// Prism's 1.7 s: every locale) makes up dynamic answers, which a server gives only to a request that
// asks (`Prefer: dynamic=true`; mock.dynamic is false below); postman-collection (0.17 s) reads Postman
// collections. Each gets a stand-in in the require cache that loads the real module the first time
// anything reads it. `chain`: how Prism reaches it, each
// specifier resolved from the module before it. `lazy`: exports read as Prism loads (json-schema-faker
// takes faker's default export at once), which must stay stand-ins themselves.
const DEFERRED = [
  { chain: ['@stoplight/prism-http', './mocker/generator/JSONSchema.js', '@faker-js/faker'], lazy: ['default'] },
  { chain: ['@stoplight/prism-http', '@stoplight/http-spec', './postman/util.js', 'postman-collection'], lazy: [] },
];
for (const { chain, lazy } of DEFERRED) defer(chain, lazy);

function defer(chain, lazy) {
  let path = process.argv[2];
  try {
    for (const specifier of chain) path = Module.createRequire(path).resolve(specifier);
  } catch {
    return; // another layout of Prism's dependencies: it loads the module itself, only sooner
  }
  let real;
  const load = () => {
    if (!real) {
      delete require.cache[path];
      real = require(path);
    }
    return real;
  };
  const standIn = new Module(path);
  standIn.filename = path;
  standIn.loaded = true;
  standIn.exports = lazyObject(load, Object.fromEntries(lazy.map((key) => [key, lazyObject(() => load()[key])])));
  require.cache[path] = standIn;
}

/** An object whose reads (but those of `known`) and writes go to `target()`, which is called only then. */
function lazyObject(target, known = {}) {
  return new Proxy(
    {},
    {
      get: (_, key) => (Object.hasOwn(known, key) ? known[key] : Reflect.get(target(), key)),
      set: (_, key, value) => Reflect.set(target(), key, value),
      has: (_, key) => Reflect.has(target(), key),
      ownKeys: () => Reflect.ownKeys(target()),
      getOwnPropertyDescriptor: (_, key) => {
        const descriptor = Reflect.getOwnPropertyDescriptor(target(), key);
        return descriptor && { ...descriptor, configurable: true };
      },
    },
  );
}

const prism = {
  http: requirePrism('@stoplight/prism-http'),
  mocker: requirePrism('@stoplight/prism-http/dist/mocker'),
  getHttpConfigFromRequest: requirePrism('@stoplight/prism-http-server/dist/getHttpConfigFromRequest').getHttpConfigFromRequest,
  serialize: requirePrism('@stoplight/prism-http-server/dist/serialize').serialize,
};
const { createLogger } = requirePrism('@stoplight/prism-core');

const logger = createLogger('PRISM', { level: 'warn' });
/**
 * Every server started, or being started, by the id of its start message: `cancelled` once a stop
 * arrived, `listening` once it binds its port (resolving to the server).
 */
const servers = new Map();

/**
 * Requests the parent judges (the kit's own validators live there): each call waits for its `judged`
 * answer. One the parent cannot answer within 30 s is refused (503): never passed unjudged.
 */
const judging = new Map();
let judgeCalls = 0;
function judgeVia(server) {
  return (request) =>
    new Promise((resolve) => {
      const call = ++judgeCalls;
      const timer = setTimeout(() => {
        judging.delete(call);
        resolve({
          status: 503,
          body: { errors: [{ type: 'unavailable', message: 'The mock could not check the request against the contract in time.' }] },
        });
      }, 30_000);
      judging.set(call, (answer) => {
        clearTimeout(timer);
        judging.delete(call);
        resolve(answer);
      });
      process.send({ type: 'judge', server, call, request });
    });
}

/** @param {StartMessage} message */
async function start({ id, spec, host, port, errors, bodyLimit, upstream, answers, forwardHeaders, judge }) {
  const entry = { cancelled: false, listening: undefined };
  servers.set(id, entry);
  const operations = await prism.http.getHttpOperationsFromSpec(spec);
  if (operations.length === 0) throw new Error('No operations found in the current file.');
  // A start the parent gave up on (its readyTimeoutMs passed) never binds its port.
  if (entry.cancelled) throw new Error('stopped before it was ready');
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
  const server = createPrismServer(prism, {
    operations,
    config,
    logger: logger.child({ name: 'HTTP SERVER' }),
    answers: answers || (upstream ? 'prism' : 'contract'),
    bodyLimit,
    forwardHeaders,
    judge: judge ? judgeVia(id) : undefined,
  });
  entry.listening = new Promise((resolve, reject) => {
    server.once('error', (/** @type {NodeJS.ErrnoException} */ error) =>
      reject(error.code === 'EADDRINUSE' ? new Error(`${host}:${port} is already in use`) : error),
    );
    server.listen(port, host, () => resolve(server));
  });
  await entry.listening;
  if (entry.cancelled) throw new Error('stopped before it was ready'); // the stop closes it
  return server;
}

function close(server) {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections(); // keep-alive clients must not hold a stop open
  });
}

/** Stops a server, or cancels its start: once this resolves, its port is free or was never bound. */
async function stop(id) {
  const entry = servers.get(id);
  servers.delete(id);
  if (!entry) return;
  entry.cancelled = true;
  const server = entry.listening && (await entry.listening.catch(() => undefined));
  if (server) await close(server);
}

/** @typedef {{ type: 'start', id: number, spec: string, host: string, port: number, errors: boolean, bodyLimit: { bytes: number, message: string }, upstream?: string, answers?: string, forwardHeaders?: Record<string, string>, judge?: boolean }} StartMessage */
/** @typedef {StartMessage | { type: 'stop', id: number, server: number } | { type: 'judged', id?: undefined, call: number, answer?: unknown }} Message */

process.on('message', async (/** @type {Message} */ message) => {
  if (message.type === 'judged') return judging.get(message.call)?.(message.answer);
  const answer = (extra) => process.send({ id: message.id, ...extra });
  try {
    if (message.type === 'start') {
      const server = await start(message);
      return answer({ ok: true, port: /** @type {import('node:net').AddressInfo} */ (server.address()).port });
    }
    if (message.type === 'stop') {
      await stop(message.server);
      return answer({ ok: true });
    }
    answer({ ok: false, error: `unknown message type ${/** @type {{ type: unknown }} */ (message).type}` });
  } catch (error) {
    if (message.type === 'start') servers.delete(message.id); // nothing bound, or the stop that cancelled it closes it
    answer({ ok: false, error: error?.message ? error.message : String(error) });
  }
});
// The parent went away: so does the host, with every server in it.
process.on('disconnect', () => process.exit(0));
process.send({ id: 0, ok: true }); // loaded
