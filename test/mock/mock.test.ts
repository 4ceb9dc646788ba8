// The mock itself: security as the spec declares it, startMock's start and refusals, the kit's front
// (violations quoting any text), and the contract held on its own answers. `npm start` and process
// lifecycles are test/ci/mock-processes.test.ts.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startMock } from '../../src/mock/mock.js';
import { openapiDocument } from '../../src/contract/spec.js';
import { CHILD_PROCESS_TIMEOUT, mockUrl, prismViolations, seedRequest } from '../helpers/support.js';
import { accepts, freePort } from '../helpers/net.js';
import { rawRequest } from '../helpers/http-server.js';
import type { Json } from '../../src/contract/json-pointer.js';

describe('the shared mock', () => {
  it('answers 401 with an Errors body when there is no token', async () => {
    const response = await fetch(`${mockUrl()}/v2/end-users/x`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(seedRequest()),
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ errors: [{ type: expect.any(String), message: expect.any(String) }] });
    expect(prismViolations(response.headers)).toMatchObject([{ location: ['request'], code: 401 }]);
  });

  it('answers 401 for a token that is not a Bearer credential', async () => {
    const response = await fetch(`${mockUrl()}/v2/end-users/x`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', authorization: 'Basic dXNlcjpwYXNz' },
      body: JSON.stringify(seedRequest()),
    });
    expect(response.status).toBe(401);
  });

  it.each(['%FF', '%', '%2', '%ED%A0%80'])('a path whose percent-encoding is not UTF-8 (%s): 400, not a 500', async (segment) => {
    const answer = await rawRequest(mockUrl(), { path: `/v2/end-users/${segment}`, headers: { authorization: 'Bearer t' } });
    expect(answer.status).toBe(400);
  });

  it('/v2/end-users/%2e names the end user ".", which no URL can carry: 400 (path-segment), not the list', async () => {
    const answer = await rawRequest(mockUrl(), { path: '/v2/end-users/%2e', headers: { authorization: 'Bearer t' } });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toMatchObject({ errors: [{ details: [{ parameter: 'end_user_id', location: 'path' }] }] });
  });

  it('a JSON body that is not UTF-8: 400, never stored or echoed as U+FFFD', async () => {
    const body = Buffer.concat([Buffer.from('{"profile":{"first_name":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}}')]);
    const answer = await rawRequest(mockUrl(), {
      method: 'PATCH',
      path: '/v2/end-users/x',
      headers: { authorization: 'Bearer t', 'content-type': 'application/json' },
      body,
    });
    expect(answer.status).toBe(400);
    expect(answer.body).toContain('not UTF-8');
  });

  it('knows no other method on the path', async () => {
    const response = await fetch(`${mockUrl()}/v2/end-users/x`, { method: 'DELETE', headers: { authorization: 'Bearer t' } });
    expect(response.status).toBe(405);
  });
});

describe.concurrent('startMock', () => {
  it('refuses a port that something else already serves', async () => {
    await expect(startMock({ port: Number(new URL(mockUrl()).port) })).rejects.toThrow(/startMock: 127\.0\.0\.1:\d+ is already in use/);
  });

  it(
    'host: listens there only (127.0.0.2, another loopback address), and its url says so',
    async () => {
      const mock = await startMock({ host: '127.0.0.2' });
      try {
        expect(mock.url).toBe(`http://127.0.0.2:${mock.port}`);
        expect(await accepts(mock.port, '127.0.0.2')).toBe(true);
        expect(await accepts(mock.port, '127.0.0.1')).toBe(false);
        const answer = await fetch(`${mock.url}/v2/end-users/x`, { headers: { Authorization: 'Bearer t' } });
        expect(answer.status).toBe(200);
      } finally {
        await mock.stop();
      }
    },
    CHILD_PROCESS_TIMEOUT,
  );

  it(
    'rejects with Prism’s own reason when the spec cannot be loaded',
    async () => {
      await expect(startMock({ spec: '/nonexistent/openapi.yaml' })).rejects.toThrow(
        /^startMock: Error opening file "\/nonexistent\/openapi\.yaml"[\s\S]*ENOENT/,
      );
    },
    CHILD_PROCESS_TIMEOUT,
  );
});

describe('Prism’s dynamic answers (Prefer: dynamic=true)', () => {
  it(
    'still make values up with faker, which the host loads only when an answer first needs it (x-faker)',
    async () => {
      const spec = structuredClone(openapiDocument) as Json;
      spec.components.schemas.EndUser.properties.end_user_id['x-faker'] = 'datatype.uuid';
      const dir = mkdtempSync(join(tmpdir(), 'faker-spec-'));
      const file = join(dir, 'openapi.json');
      writeFileSync(file, JSON.stringify(spec));
      const mock = await startMock({ spec: file });
      try {
        const response = await fetch(`${mock.url}/v2/end-users/x`, {
          method: 'PATCH',
          headers: { 'content-type': 'application/json', authorization: 'Bearer t', prefer: 'dynamic=true' },
          body: JSON.stringify(seedRequest()),
        });
        expect(response.status).toBe(200);
        expect(((await response.json()) as { end_user_id: string }).end_user_id).toMatch(
          /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
        );
      } finally {
        await mock.stop();
        rmSync(dir, { recursive: true, force: true });
      }
    },
    CHILD_PROCESS_TIMEOUT,
  );
});

describe('violations that quote non-Latin-1 text (stoplightio/prism#1934)', () => {
  const body = JSON.stringify({ profile: { имя: 'Ada', '😀': 1 } });
  const send = (url: string) =>
    fetch(`${url}/v2/end-users/x`, { method: 'PATCH', headers: { 'content-type': 'application/json', authorization: 'Bearer t' }, body });

  it('the kit’s mock survives them and reports the keys intact in sl-violations', async () => {
    const response = await send(mockUrl());
    expect(response.status).toBe(400);
    const messages = prismViolations(response.headers)
      .map((v) => v.message)
      .join('\n');
    expect(messages).toContain("'имя'");
    expect(messages).toContain("'😀'");
    expect((await send(mockUrl())).status).toBe(400); // still alive
  });
});

describe('the mock enforces the contract on its own answers (--errors)', () => {
  it(
    'a spec whose 200 example leaks profile.sensitive_metadata makes the mock answer 500 (startMock on a given port; stop() frees it)',
    async () => {
      const leaky = structuredClone(openapiDocument) as Json;
      leaky.components.examples.EndUserSeedResponse.value.profile.sensitive_metadata = { fields: { auth_token: 'x' } };
      const dir = mkdtempSync(join(tmpdir(), 'leaky-spec-'));
      const spec = join(dir, 'openapi.json');
      writeFileSync(spec, JSON.stringify(leaky));
      const port = await freePort();
      const mock = await startMock({ spec, port });
      expect(mock).toMatchObject({ port, url: `http://127.0.0.1:${port}` });
      try {
        const response = await fetch(`${mock.url}/v2/end-users/x`, {
          method: 'PATCH',
          headers: { 'content-type': 'application/json', authorization: 'Bearer t' },
          body: JSON.stringify(seedRequest()),
        });
        expect(response.status).toBe(500);
        expect(prismViolations(response.headers)).toContainEqual(
          expect.objectContaining({ location: ['response', 'body', 'profile'], severity: 'Error' }),
        );
      } finally {
        await mock.stop();
        await mock.stop(); // twice is harmless
        rmSync(dir, { recursive: true, force: true });
      }
      expect(await accepts(port)).toBe(false);
      expect(await mock.ended).toBeUndefined(); // stopped, not died
    },
    CHILD_PROCESS_TIMEOUT,
  );
});

/** `npm start` (or the script itself) with PORT=0; resolves once it printed a curl line for every operation. */
