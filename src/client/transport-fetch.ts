// The client's transports where node:http is not (workerd, browsers; `#transport` in the package's imports):
// the global fetch, told not to follow redirects, its answers read within the limit by createFetchTransport
// as a caller's fetch is. The runtime decodes compressed answers itself; the limit counts decoded bytes.
import { type CreateDirectTransport, type CreateRequestTransport, createFetchTransport, TransportError } from './transport.js';

export const createRequestTransport: CreateRequestTransport = (limits) => createFetchTransport((request) => fetch(request), limits);

export const createDirectTransport: CreateDirectTransport = (limits) => {
  const send = createRequestTransport(limits);
  return async ({ url, method, headers, body, timeoutMs, signal }) => {
    // The attempt's time limit and the caller's abort as one signal; a timeout is the transport's own failure.
    const attempt = new AbortController();
    const timer = setTimeout(
      () => attempt.abort(new TransportError('timeout', `no answer within ${timeoutMs} ms`, undefined, { mayHaveArrived: true })),
      timeoutMs,
    );
    const stop = () => attempt.abort(signal!.reason);
    if (signal?.aborted) stop();
    else signal?.addEventListener('abort', stop, { once: true });
    try {
      const response = await send(
        new Request(url, { method, headers, ...(body === undefined ? {} : { body }), redirect: 'manual', signal: attempt.signal }),
      );
      return {
        status: response.status,
        headers: () => response.headers,
        contentLength: response.headers.get('content-length'),
        text: await response.text(),
      };
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', stop);
    }
  };
};
