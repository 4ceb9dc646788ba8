// CI-only (`npm run test:ci`): upstream bugs the kit works around, pinned. When one of these starts
// failing, the upstream tool is fixed and the kit's workaround can go.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bundledSpecPath } from '../../src/contract/spec-file.js';
import { prismCliPath } from '../../src/prism/prism.js';
import { freePort } from '../helpers/net.js';
import { CHILD_PROCESS_TIMEOUT } from '../helpers/support.js';

describe('violations that quote non-Latin-1 text (stoplightio/prism#1934)', () => {
  const body = JSON.stringify({ profile: { имя: 'Ada', '😀': 1 } });
  const send = (url: string) =>
    fetch(`${url}/v2/end-users/x`, { method: 'PATCH', headers: { 'content-type': 'application/json', authorization: 'Bearer t' }, body });

  // Pinned upstream bug: when this starts failing, Prism is fixed and the kit's escaping can go.
  it(
    'plain Prism, without the kit’s HTTP front, dies on them',
    async () => {
      // Plain Prism on a port that was free a moment ago; sent to only once Prism itself says it listens
      // there (another test's server may take the port first: Prism then exits, and a new port is tried).
      for (let attempt = 1; ; attempt++) {
        const port = await freePort();
        const prism = spawn(
          process.execPath,
          [prismCliPath(), 'mock', fileURLToPath(bundledSpecPath), '--port', String(port), '--errors'],
          {
            stdio: ['ignore', 'pipe', 'ignore'],
          },
        );
        const exited = new Promise((resolve) => prism.once('exit', resolve));
        const listening = new Promise<boolean>((resolve) => {
          let output = '';
          prism.stdout.on('data', (chunk: Buffer) => {
            output += chunk.toString();
            if (output.includes(`Prism is listening on http://127.0.0.1:${port}`)) resolve(true);
          });
          void exited.then(() => resolve(false));
        });
        try {
          if (!(await listening)) {
            if (attempt < 5) continue;
            throw new Error('plain Prism never listened');
          }
          await expect(send(`http://127.0.0.1:${port}`)).rejects.toThrow();
          await exited;
          expect(prism.exitCode).not.toBe(null);
          return;
        } finally {
          prism.kill('SIGKILL');
        }
      }
    },
    CHILD_PROCESS_TIMEOUT,
  );
});
