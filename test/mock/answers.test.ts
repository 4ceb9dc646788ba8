// Every answer of the mock conforms to the contract, whatever is sent: a 400 names the actual
// violations (field, location, rule) in the errors[] shape, and so do the answers to a body that is not
// JSON, one over 10 MB, and Prism's own refusals. CORS is granted to loopback pages only, without
// credentials. And a start that fails releases everything it took.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startMock } from '../../src/mock/mock.js';
import { bundledSpecPath } from '../../src/contract/spec-file.js';
import { validateErrorsResponse } from '../../src/contract/validation.js';
import { CHILD_PROCESS_TIMEOUT, mockUrl, TEST_TOKEN } from '../helpers/support.js';
import { accepts } from '../helpers/net.js';

const json = { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json' };
const patch = (body: string, headers: Record<string, string> = json, path = '/v2/end-users/x', method = 'PATCH') =>
  fetch(`${mockUrl()}${path}`, { method, headers, ...(method === 'GET' || method === 'DELETE' ? {} : { body }) });

/** The answer's body, asserted to be in the contract's errors[] shape. */
async function errorsOf(response: Response) {
  const body = (await response.json()) as { errors: unknown };
  expect(validateErrorsResponse(body)).toEqual({ ok: true });
  return body.errors as Array<{ type: string; message: string; details?: unknown }>;
}

describe('the mock’s 400 names the actual violations', () => {
  it('a float metadata value: the field, its location and the rule, not the spec’s fixed example', async () => {
    const response = await patch('{"profile":{"metadata":{"a":1.5}}}');
    expect(response.status).toBe(400);
    const [error] = await errorsOf(response);
    expect(error).toEqual({
      type: 'validation_error',
      message: 'The request breaks the contract (1 violation).',
      details: [
        { parameter: 'profile.metadata.a', location: 'body', message: expect.stringMatching(/must be string,boolean,integer \(type\)$/) },
      ],
    });
  });

  it('several violations: one detail each', async () => {
    const response = await patch(JSON.stringify({ external_id: 'x'.repeat(37), profile: { firstName: 'Ada' } }));
    const [error] = await errorsOf(response);
    expect(error!.details).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ parameter: 'external_id', location: 'body', message: expect.stringMatching(/\(maxLength\)$/) }),
        expect.objectContaining({
          parameter: 'profile',
          location: 'body',
          message: expect.stringMatching(/firstName.*\(additionalProperties\)$/),
        }),
      ]),
    );
  });

  it('a body of another media type: the content-type header is named', async () => {
    const response = await patch('hello', { ...json, 'content-type': 'text/plain' });
    expect(response.status).toBe(400);
    expect((await errorsOf(response))[0]!.details).toEqual([
      { parameter: 'content-type', location: 'header', message: 'Supported content types: application/json' },
    ]);
  });

  it('a valid request asking for the 400 example still gets the example', async () => {
    const response = await patch('{"profile":{}}', { ...json, prefer: 'code=400, example=metadataTooLarge' });
    expect((await errorsOf(response))[0]!.message).toBe('Metadata exceeds the maximum size of 10 KB.');
  });
});

describe('answers outside Prism’s examples are in the contract’s shape too', () => {
  it('a body that is not JSON: 400, naming the body and the parser’s reason', async () => {
    const response = await patch('{"profile":');
    expect(response.status).toBe(400);
    expect(await errorsOf(response)).toEqual([
      {
        type: 'validation_error',
        message: 'The request body is not valid JSON.',
        details: [{ parameter: 'body', location: 'body', message: expect.any(String) }],
      },
    ]);
  });

  it('a body over 10 MB: 413, as Ada answers', async () => {
    const response = await patch(JSON.stringify({ profile: { first_name: 'x'.repeat(10 * 1024 * 1024) } }));
    expect(response.status).toBe(413);
    expect(await errorsOf(response)).toEqual([{ type: 'content_too_large', message: 'Request body exceeds 10 MB.' }]);
  });

  it.each([
    ['no such route', () => patch('{}', json, '/v3/nothing'), 404, 'no_path_matched_error'],
    ['no such method', () => patch('', json, '/v2/end-users/x', 'DELETE'), 405, 'no_method_matched_error'],
    ['a Prefer header Prism cannot read', () => patch('{"profile":{}}', { ...json, prefer: 'code=abc' }), 422, 'unprocessable_entity'],
  ] as const)('%s: its status, errors[]', async (_name, send, status, type) => {
    const response = await send();
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect((await errorsOf(response))[0]!.type).toBe(type);
  });
});

describe('CORS: loopback pages only, never with credentials', () => {
  it.each(['http://127.0.0.1:8080', 'http://localhost:5173', 'http://[::1]:3000'])('%s may read answers', async (origin) => {
    const response = await patch('{"profile":{}}', { ...json, origin });
    expect(response.headers.get('access-control-allow-origin')).toBe(origin);
    expect(response.headers.get('access-control-expose-headers')).toBe('sl-violations');
    expect(response.headers.get('access-control-allow-credentials')).toBe(null);
    const preflight = await fetch(`${mockUrl()}/v2/end-users/x`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'PATCH', 'access-control-request-headers': 'authorization, content-type' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-methods')).toContain('PATCH');
    expect(preflight.headers.get('access-control-allow-headers')).toBe('authorization, content-type, prefer, accept');
    expect(preflight.headers.get('access-control-allow-credentials')).toBe(null);
  });

  it.each(['https://evil.example', 'null', 'http://127.0.0.1.evil.example'])('%s may not', async (origin) => {
    const response = await patch('{"profile":{}}', { ...json, origin });
    expect(response.status).toBe(200); // served, but a browser will not let the page read it
    expect(response.headers.get('access-control-allow-origin')).toBe(null);
    expect(response.headers.get('access-control-allow-credentials')).toBe(null);
    const preflight = await fetch(`${mockUrl()}/v2/end-users/x`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'PATCH' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBe(null);
  });
});

describe('a start that fails releases everything it took', () => {
  it(
    'a start that times out after Prism is loaded: rejects, and never binds its port',
    async () => {
      const held = await startMock(); // Prism is loaded in this process from here on
      const { port } = held;
      await held.stop();
      // A spec behind a named pipe: the host's start waits for it for as long as the test wants,
      // however fast or slow the machine, so the timeout below is certain to pass first.
      const dir = mkdtempSync(join(tmpdir(), 'ada-fifo-'));
      const fifo = join(dir, 'openapi.json');
      execFileSync('mkfifo', [fifo]);
      try {
        await expect(startMock({ spec: fifo, port, readyTimeoutMs: 200 })).rejects.toThrow(
          /^startMock: Prism did not answer within 200 ms/,
        );
        await writeFile(fifo, readFileSync(bundledSpecPath)); // the abandoned start may go on now
        expect(await accepts(port)).toBe(false);
        const next = await startMock({ port }); // the port was never taken
        expect(next.port).toBe(port);
        await next.stop();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      expect(await accepts(port)).toBe(false);
    },
    CHILD_PROCESS_TIMEOUT,
  );
});
