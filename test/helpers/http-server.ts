// A real HTTP server on 127.0.0.1 for client tests: records what arrives and answers as told.
import { createServer, request as httpRequest, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  /** Names and values as sent, in turn (node:http's `headers` drops a header named `__proto__`). */
  rawHeaders: string[];
  body: string;
}

export interface TestServer {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export async function startServer(answer: (request: RecordedRequest, response: ServerResponse) => void): Promise<TestServer> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const recorded = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        rawHeaders: req.rawHeaders,
        body: Buffer.concat(chunks).toString(),
      };
      requests.push(recorded);
      answer(recorded, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    // closeAllConnections: a test server that never answered must not hold close() open.
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export function json(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

/**
 * A raw TCP server on 127.0.0.1 that answers each request with the bytes it is told, for answers
 * node:http would refuse to write (a status of 999, an informational status with a body).
 */
export async function startRawServer(answer: (requestHead: string) => string | Buffer): Promise<TestServer> {
  const requests: RecordedRequest[] = [];
  const server = createNetServer((socket) => {
    socket.once('data', (chunk: Buffer) => {
      const head = chunk.toString('latin1');
      const [method = '', url = ''] = head.split(' ');
      requests.push({ method, url, headers: {}, rawHeaders: [], body: '' });
      socket.end(answer(head));
    });
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

export interface RawAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * A request over node:http with the path exactly as given (fetch's URL parsing would turn `%2e` into a
 * dot segment and drop it) and the body as bytes; `chunked` sends it without a content-length.
 */
export function rawRequest(
  base: string,
  {
    method = 'GET',
    path,
    headers = {},
    body,
    chunked = false,
  }: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer; chunked?: boolean },
): Promise<RawAnswer> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ hostname, port, path, method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.once('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
      res.once('error', reject);
    });
    req.once('error', reject);
    if (body !== undefined && !chunked) req.setHeader('content-length', Buffer.byteLength(body));
    if (body !== undefined) req.write(body);
    req.end();
  });
}
