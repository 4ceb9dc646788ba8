// @ts-check
// The HTTP side of every Prism server the kit runs (see host.cjs): Prism's own request pipeline
// (validate the request, pick an example or forward to the provider, validate the answer), behind a
// node:http server of the kit's, in place of prism-http-server, so that:
// - the mock's answers conform to the contract: a body that is not JSON (400), one over Ada's limit
//   limit (413), Prism's own refusals (no such route, no such method) and its 400s for invalid
//   requests come in the contract's `{errors: [...]}` shape, and a 400 names the actual violations
//   (field, location, rule) instead of the spec's fixed example;
// - CORS is granted to loopback pages only (a local docs page, a browser test), without credentials;
// - `sl-violations` survives text outside Latin-1 (stoplightio/prism#1934: Node refuses such a header,
//   and the whole process died), escaped as \uXXXX so that it parses back to the same JSON;
// - a proxy's answers stay Prism's own (problem+json), which verify reads to tell Prism from the provider;
// - a proxy forwards with the kit's own forwarder (createForward): never following a redirect, the
//   request and the provider's answer passed on byte for byte;
// - the mock holds what Prism let through to the kit's own validators (`judge`, asked of the parent);
// - a path whose percent-encoding is not UTF-8, or a JSON body that is not UTF-8, is a 400, not a 500.
// Plain CommonJS: it runs in the host process as shipped. `prism` is the set of Prism modules the host loaded.
'use strict';
const http = require('node:http');
const https = require('node:https');
const zlib = require('node:zlib');

const MAX_DRAINED_BYTES = 64 * 1024 * 1024; // past this an upload is cut off, not read
const MAX_SAFE_HEADER_LENGTH = 8 * 1024 - 100; // as prism-http-server
const SEVERITIES = ['Error', 'Warning', 'Information', 'Hint'];
const LOOPBACK_ORIGIN = /^https?:\/\/(?:localhost|127(?:\.\d{1,3}){3}|\[::1\])(?::\d+)?$/i;
const ALLOWED_HEADERS = 'authorization, content-type, prefer, accept';
const PROBLEM = 'https://stoplight.io/prism/errors#';

/** An answer in the contract's Errors shape. */
function errorsBody(type, message, details) {
  return { errors: [{ type, message, ...(details === undefined ? {} : { details }) }] };
}

function sendJson(res, status, body, headers = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** `sl-violations`, ASCII only: non-ASCII as \uXXXX keeps the JSON the same and the header legal. */
function violationsHeader(violations) {
  let value = JSON.stringify(violations).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (value.length > MAX_SAFE_HEADER_LENGTH) value = `Too many violations! ${value.substring(0, MAX_SAFE_HEADER_LENGTH)}`;
  return value;
}

/** A violation as Prism reports it in sl-violations: location prefixed with request or response. */
function located(prefix) {
  return (detail) => ({
    location: [prefix].concat(detail.path || []),
    severity: SEVERITIES[detail.severity] || String(detail.severity),
    code: detail.code,
    message: detail.message,
  });
}

/** Violations of the whole request that Prism reports by status code: the header they are about. */
const REQUEST_HEADERS_BY_CODE = { 401: 'authorization', 415: 'content-type' };

/** One ErrorDetail per violation: the field (dotted), where it was (body, query, path, header) and the rule. */
function detailOf(violation) {
  const [, where, ...field] = violation.location;
  const rule = violation.code === undefined || typeof violation.code === 'number' ? '' : ` (${violation.code})`;
  const header = where === undefined ? REQUEST_HEADERS_BY_CODE[violation.code] : undefined;
  return {
    parameter: header || (field.length > 0 ? field.join('.') : where || 'request'),
    location: header ? 'header' : where || 'request',
    message: `${violation.message}${rule}`,
  };
}

/**
 * The body: parsed JSON for JSON media types, text otherwise, null when there is none; and its bytes as
 * received (a proxy forwards those, not a re-serialization). Bounded. JSON is UTF-8 on the wire (RFC
 * 8259): bytes that are not UTF-8 are refused, never stored as U+FFFD.
 */
function readBody(req, maxBytes) {
  return new Promise((resolve) => {
    const length = req.headers['content-length'];
    if (length === '0' || (req.headers['transfer-encoding'] === undefined && length === undefined))
      return resolve({ body: null, bytes: null });
    const chunks = [];
    let bytes = 0;
    let done = false;
    req.on('data', (chunk) => {
      bytes += chunk.length;
      if (bytes > MAX_DRAINED_BYTES) return req.destroy();
      if (done) return;
      if (bytes > maxBytes) {
        done = true;
        chunks.length = 0;
        return resolve({ tooLarge: true });
      }
      chunks.push(chunk);
    });
    req.once('error', () => {
      if (done) return;
      done = true;
      resolve({ aborted: true });
    });
    req.once('end', () => {
      if (done) return;
      done = true;
      const raw = Buffer.concat(chunks);
      if (raw.length === 0) return resolve({ body: null, bytes: null }); // a chunked upload of nothing
      if (!isJson(req.headers['content-type'])) return resolve({ body: raw.toString('utf8'), bytes: raw });
      let text;
      try {
        text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
      } catch {
        return resolve({ invalidJson: 'The body is not UTF-8 (JSON on the wire is UTF-8, RFC 8259).' });
      }
      try {
        resolve({ body: JSON.parse(text), bytes: raw });
      } catch (error) {
        resolve({ invalidJson: error.message });
      }
    });
  });
}

function isJson(contentType) {
  return /^application\/(?:[\w.+-]+\+)?json\b/i.test(String(contentType || ''));
}

/**
 * The request target as received: its path (no dot segments removed: `/v2/end-users/%2e` names the end
 * user ".", which the contract refuses, not the list) and its query string. A path or query whose
 * percent-encoding is not UTF-8 (`%FF`, `%`, `%2`, an encoded lone surrogate) is refused: no server
 * could tell what it names. Returns undefined for such a target.
 */
function requestTarget(url) {
  let target = url || '/';
  if (!target.startsWith('/')) {
    // absolute-form (`GET http://host/path`), as a client talking to a forward proxy sends it
    try {
      const parsed = new URL(target);
      target = `${parsed.pathname}${parsed.search}`;
    } catch {
      return undefined;
    }
  }
  const question = target.indexOf('?');
  const path = question === -1 ? target : target.slice(0, question);
  const search = question === -1 ? '' : target.slice(question);
  const decodes = (text) => {
    try {
      decodeURIComponent(text.replace(/\+/g, ' '));
      return true;
    } catch {
      return false;
    }
  };
  if (!decodes(path) || !search.slice(1).split('&').every(decodes)) return undefined;
  return { path, search };
}

/** CORS for loopback origins only; returns whether the request was a preflight, answered here. */
function cors(req, res, methods) {
  const origin = req.headers.origin;
  if (!origin || !LOOPBACK_ORIGIN.test(origin)) return false;
  res.setHeader('Access-Control-Allow-Origin', origin);
  res.setHeader('Vary', 'Origin');
  res.setHeader('Access-Control-Expose-Headers', 'sl-violations');
  if (req.method === 'OPTIONS' && req.headers['access-control-request-method']) {
    res.writeHead(204, {
      'Access-Control-Allow-Methods': methods,
      'Access-Control-Allow-Headers': ALLOWED_HEADERS,
      'Access-Control-Max-Age': '600',
      'Content-Length': '0',
    });
    res.end();
    return true;
  }
  return false;
}

/** Prism's own refusal (no route, no method, a bad Prefer header, ...) in the contract's shape. */
function problemAsErrors(problem) {
  const type = String(problem.type || '');
  const proxy = Object.keys(PROXY_PROBLEMS).find((key) => PROXY_PROBLEMS[key] === type);
  const code = proxy ? 'bad_gateway' : type.startsWith(PROBLEM) ? type.slice(PROBLEM.length) : 'UNKNOWN';
  // A proxy's refusal of an invalid request lists its violations without the `request` prefix, and
  // some (a missing body, a wrong media type) without any location.
  const violations = Array.isArray(problem.validation)
    ? problem.validation.map((v) => {
        const location = Array.isArray(v.location) ? v.location : [];
        return location[0] === 'request' || location[0] === 'response' ? v : { ...v, location: ['request', ...location] };
      })
    : undefined;
  if (code === 'UNPROCESSABLE_ENTITY' && violations?.length) {
    // As the mock answers an invalid request: Ada's 400, naming each violation.
    return { status: 400, body: validationErrors(violations) };
  }
  const message = [problem.title, problem.detail].filter(Boolean).join(': ') || 'Prism could not answer';
  return { status: problem.status || 500, body: errorsBody(code.toLowerCase(), message, violations?.map(detailOf)) };
}

/** The 400 body for a request that breaks the contract: every violation, by field, location and rule. */
function validationErrors(violations) {
  const count = violations.length;
  return errorsBody(
    'validation_error',
    `The request breaks the contract (${count} violation${count === 1 ? '' : 's'}).`,
    violations.map(detailOf),
  );
}

/**
 * Problem types of the kit's proxy, for answers the provider did not give: `upstreamFailed`, no answer
 * came (the connection failed or broke off); `upstreamInvalid`, an answer came that no HTTP client can
 * take (larger than Ada's body limit, not HTTP, an encoding it did not ask for). verify reads them.
 */
const PROXY_PROBLEMS = {
  upstreamFailed: 'urn:ada-end-users-contract:proxy:upstream-failed',
  upstreamInvalid: 'urn:ada-end-users-contract:proxy:upstream-invalid',
};

/** Headers of one connection, not of the message: never forwarded (RFC 9110 7.6.1), nor a length the proxy recomputes. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'trailers',
  'transfer-encoding',
  'upgrade',
  'host',
  'content-length',
]);
/** Decoders by content-encoding, each bounded to `max` bytes of output. */
const DECODERS = {
  identity: (bytes) => bytes,
  gzip: (bytes, max) => zlib.gunzipSync(bytes, { maxOutputLength: max }),
  'x-gzip': (bytes, max) => zlib.gunzipSync(bytes, { maxOutputLength: max }),
  deflate: (bytes, max) => zlib.inflateSync(bytes, { maxOutputLength: max }),
  br: (bytes, max) => zlib.brotliDecompressSync(bytes, { maxOutputLength: max }),
};

function proxyProblem(type, title, status) {
  return Object.assign(new Error(title), { name: type, status: 502, additional: status === undefined ? {} : { upstreamStatus: status } });
}

/** Header pairs (raw, as node:http gives them), hop-by-hop ones left out, names lower-cased, repeats kept. */
function endToEnd(rawHeaders) {
  const pairs = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i].toLowerCase();
    if (!HOP_BY_HOP.has(name)) pairs.push([name, rawHeaders[i + 1]]);
  }
  return pairs;
}

/**
 * One request to the provider over node:http(s), which never follows a redirect. `path` goes as it is
 * (a URL object would remove dot segments such as `%2e`). Resolves to its answer, read within `maxBytes`.
 */
function sendUpstream(origin, path, { method, headers, body, signal }, maxBytes) {
  const url = `${origin}${path}`;
  return new Promise((resolve, reject) => {
    const { protocol, hostname, port } = new URL(origin);
    const failed = (error) => {
      const invalid = /^HPE_/.test(String(error?.code));
      const reason = error?.message || String(error);
      reject(
        invalid
          ? proxyProblem(PROXY_PROBLEMS.upstreamInvalid, `the answer of ${url} is not valid HTTP: ${reason}`)
          : proxyProblem(PROXY_PROBLEMS.upstreamFailed, `request to ${url} failed, reason: ${reason}`),
      );
    };
    const request = (protocol === 'https:' ? https : http).request({ protocol, hostname, port, path, method, headers, signal }, (res) => {
      const chunks = [];
      let bytes = 0;
      res.on('data', (chunk) => {
        bytes += chunk.length;
        if (bytes > maxBytes) {
          res.destroy();
          return reject(
            proxyProblem(PROXY_PROBLEMS.upstreamInvalid, `the answer of ${url} is larger than ${maxBytes} bytes`, res.statusCode),
          );
        }
        chunks.push(chunk);
      });
      res.once('close', () => {
        if (!res.complete) return failed(new Error('the connection closed before the answer ended'));
        resolve({ status: res.statusCode, headers: endToEnd(res.rawHeaders), bytes: Buffer.concat(chunks) });
      });
    });
    request.once('error', failed);
    request.end(body || undefined);
  });
}

/**
 * Prism's `forward` component (a ReaderTaskEither), in place of Prism's own, which forwards through
 * node-fetch: that one follows redirects, keeping Authorization for the same host name (so a 307 to
 * another port took the token there), re-serializes the body (a JSON string lost its quotes, a falsy
 * body was not sent), and turns an answer that is not JSON into its own 500. This one sends the request
 * exactly as received (path, query and body bytes), never follows a 3xx (it is the provider's answer,
 * returned as it is), reads the answer within Ada's body limit, and hands the client the provider's bytes as they
 * came (`raw.answers`), while Prism validates them parsed. `headers` are added to every request (the
 * stateful fake's key).
 */
function createForward(prism, raw, headers, maxBytes) {
  const left = (error) => ({ _tag: 'Left', left: error });
  const right = (value) => ({ _tag: 'Right', right: value });
  return ({ data: input, validations }, upstream) =>
    () =>
    async () => {
      if (validations.length > 0) {
        // --errors: an invalid request is refused here, as Prism's own forwarder refuses it.
        const security = validations.find((v) => v.code === 401);
        return left(
          security ? prism.mocker.createUnauthorisedResponse(security.tags) : prism.mocker.createUnprocessableEntityResponse(validations),
        );
      }
      const received = raw.requests.get(input);
      const base = new URL(upstream);
      const path = `${base.pathname.replace(/\/+$/, '')}${received.path}${received.search}`;
      const url = `${base.origin}${path}`;
      const sent = Object.fromEntries(
        Object.entries(input.headers).filter(([name]) => !HOP_BY_HOP.has(name) && !Object.hasOwn(headers, name)),
      );
      let answer;
      try {
        answer = await sendUpstream(
          base.origin,
          path,
          {
            method: input.method.toUpperCase(),
            headers: { ...sent, ...headers },
            body: received.bytes,
            signal: received.signal,
          },
          maxBytes,
        );
      } catch (error) {
        return left(error);
      }
      const header = (name) => answer.headers.find(([key]) => key === name)?.[1];
      const encoding = String(header('content-encoding') || 'identity')
        .trim()
        .toLowerCase();
      let decoded;
      try {
        if (!Object.hasOwn(DECODERS, encoding)) throw new Error(`content-encoding "${encoding}" is not one the proxy can read`);
        decoded = DECODERS[encoding](answer.bytes, maxBytes);
      } catch (error) {
        return left(proxyProblem(PROXY_PROBLEMS.upstreamInvalid, `the answer of ${url} does not decode: ${error.message}`, answer.status));
      }
      if (answer.status < 100 || answer.status > 599) {
        return left(proxyProblem(PROXY_PROBLEMS.upstreamInvalid, `the answer of ${url} has the status ${answer.status}`, answer.status));
      }
      const text = decoded.toString('utf8');
      let body = answer.bytes.length === 0 ? undefined : text;
      if (body !== undefined && isJson(header('content-type'))) {
        try {
          body = JSON.parse(text);
        } catch {
          // Not JSON, though it says so: Prism validates the text, and the client gets the bytes as they came.
        }
      }
      // Prism reads headers as one value a name, repeats joined; a Map, as names come from the wire.
      const joined = new Map();
      for (const [name, value] of answer.headers) joined.set(name, joined.has(name) ? `${joined.get(name)}, ${value}` : value);
      const output = { statusCode: answer.status, headers: Object.fromEntries(joined), body };
      raw.answers.set(output, answer);
      return right(output);
    };
}

/**
 * A node:http server answering through Prism. `operations` are Prism's, from the spec; `config` is
 * Prism's request configuration (mock or proxy, --errors); `logger` is Prism's pino logger; `answers`:
 * `contract` (the mock, the stateful fake) shapes what the server answers itself as the contract's
 * errors[], `prism` (verify's proxies) keeps Prism's problem documents. `bodyLimit` ({bytes, message},
 * from the kit's spec) bounds what is read either way. `forwardHeaders` go with every
 * request a proxy forwards; `judge(request)` (the mock) resolves to the kit's refusal of a request
 * Prism let through ({status, body}), or undefined.
 */
function createPrismServer(prism, { operations, config, logger, answers, bodyLimit, forwardHeaders = {}, judge }) {
  // What a proxy forwards and answers as received, by Prism's input and output objects.
  const raw = { requests: new WeakMap(), answers: new WeakMap() };
  const instance = prism.http.createInstance(config, {
    logger,
    ...(config.isProxy ? { forward: createForward(prism, raw, forwardHeaders, bodyLimit.bytes) } : {}),
  });
  const methods = [...new Set(operations.map((op) => op.method.toUpperCase()).concat('OPTIONS'))].join(', ');
  const contractAnswers = answers === 'contract';

  async function handle(req, res) {
    if (cors(req, res, methods)) return;
    const read = await readBody(req, bodyLimit.bytes);
    if (read.aborted) return;
    if (read.tooLarge) {
      res.setHeader('connection', 'close');
      return sendJson(res, 413, errorsBody('content_too_large', bodyLimit.message));
    }
    if (read.invalidJson !== undefined) {
      return sendJson(
        res,
        400,
        errorsBody('validation_error', 'The request body is not valid JSON.', [
          { parameter: 'body', location: 'body', message: read.invalidJson },
        ]),
      );
    }
    const target = requestTarget(req.url);
    if (!target) {
      return sendJson(
        res,
        400,
        errorsBody('validation_error', 'The request URL is not valid: its percent-encoding is not UTF-8.', [
          { parameter: 'path', location: 'path', message: 'must be percent-encoded UTF-8 (RFC 3986)' },
        ]),
      );
    }
    const searchParams = new URLSearchParams(target.search);
    // fromEntries, not assignment: `?__proto__=a&__proto__=b` must stay a parameter, not make an array the prototype.
    const query = Object.fromEntries(
      [...new Set(searchParams.keys())].map((key) => {
        const values = searchParams.getAll(key);
        return [key, values.length === 1 ? values[0] : values];
      }),
    );
    const input = {
      method: (req.method || 'get').toLowerCase(),
      url: { path: target.path, baseUrl: searchParams.get('__server') || undefined, query },
      headers: req.headers,
      body: read.body,
    };
    if (config.isProxy) {
      // The client went away: so does the request to the provider.
      const upstream = new AbortController();
      res.once('close', () => upstream.abort());
      raw.requests.set(input, { ...target, bytes: read.bytes, signal: upstream.signal });
    }
    const preferences = prism.getHttpConfigFromRequest(input);
    const outcome =
      preferences._tag === 'Left'
        ? preferences
        : await instance.request(input, operations, { ...config, mock: { ...config.mock, ...preferences.right } })();
    if (outcome._tag === 'Left') return answerProblem(res, outcome.left, input);

    const { output, validations } = outcome.right;
    const requestViolations = validations.input.map(located('request'));
    const responseViolations = validations.output.map(located('response'));
    const violations = requestViolations.concat(responseViolations);
    if (violations.length > 0) res.setHeader('sl-violations', violationsHeader(violations));
    for (const v of violations) {
      const line = `Violation: ${v.location.join('.')} ${v.message}`;
      if (v.severity === 'Error') logger.error({ name: 'VALIDATOR' }, line);
      else if (v.severity === 'Warning') logger.warn({ name: 'VALIDATOR' }, line);
    }
    const outputErrors = responseViolations.filter((v) => v.severity === 'Error');
    if (config.errors && outputErrors.length > 0) {
      return answerProblem(
        res,
        prism.http.ProblemJsonError.fromTemplate(
          prism.http.VIOLATIONS,
          'Your request/response is not valid and the --errors flag is set, so Prism is generating this error for you.',
          { validation: outputErrors },
        ),
        input,
      );
    }
    const inputErrors = requestViolations.filter((v) => v.severity === 'Error');
    const status = output.statusCode;
    if (contractAnswers && !config.isProxy && inputErrors.length > 0 && status >= 400 && status < 500 && status !== 401 && status !== 403) {
      // The spec's 400 example describes some invalid request; this one names what is wrong with this request.
      return sendJson(res, status, validationErrors(inputErrors), output.headers);
    }
    if (judge && inputErrors.length === 0 && status !== 401 && status !== 403) {
      // What Prism let through, held to the kit's own validators (Prism does not enforce every rule of a
      // 3.1 schema, nor the kit's x- rules): the same 400 the stateful fake answers.
      const refused = await judge({
        method: input.method,
        path: target.path,
        search: target.search.slice(1),
        body: read.body ?? undefined,
      });
      if (refused) return sendJson(res, refused.status, refused.body);
    }
    const forwarded = raw.answers.get(output);
    if (forwarded) {
      // The provider's answer as it came: its status, headers and bytes.
      for (const [name, value] of forwarded.headers) res.appendHeader(name, value);
      res.setHeader('content-length', forwarded.bytes.length);
      res.statusCode = status;
      return res.end(forwarded.bytes);
    }
    for (const [name, value] of Object.entries(output.headers || {})) res.setHeader(name, value);
    let payload;
    try {
      payload = prism.serialize(output.body, res.getHeader('content-type'));
    } catch (error) {
      return answerProblem(res, error, input);
    }
    res.statusCode = status;
    res.end(payload);
  }

  function answerProblem(res, error, input) {
    logger.error({ input }, `Request terminated with error: ${error}`);
    if (res.headersSent) return res.end();
    const problem = prism.http.ProblemJsonError.toProblemJson(error);
    const status = problem.status || 500;
    const headers = error.additional?.headers || {};
    if (contractAnswers) {
      const shaped = problemAsErrors(problem);
      return sendJson(res, shaped.status, shaped.body, headers);
    }
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    const text = JSON.stringify(problem);
    res.writeHead(status, { 'content-type': 'application/problem+json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error) => {
      logger.error(`Request failed: ${error?.stack ? error.stack : error}`);
      if (!res.headersSent) sendJson(res, 500, errorsBody('mock_error', 'The mock failed to answer.'));
      else res.end();
    });
  });
  // Clients keep idle connections for the server's Keep-Alive hint minus a margin; on a busy machine
  // timers run late, and with Node's 5 s default a client could send on a socket the server was just
  // closing (undici: UND_ERR_SOCKET). A local server can afford to keep idle sockets a minute.
  server.keepAliveTimeout = 60_000;
  return server;
}

module.exports = { createPrismServer, PROXY_PROBLEMS };
