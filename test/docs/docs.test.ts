// The docs site as a reader meets it: docs/index.html built from the spec, served on 127.0.0.1, opened
// in Debian's Chromium with every request to another host blocked. Needs /usr/bin/chromium (.ci/run
// installs it with apt). A screenshot is saved to .artifacts/docs.png for a person to look at.
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operations as operationTable, webhooks as webhookTable } from '../../src/contract/operations.js';
import { launchChromium } from '../helpers/chromium.js';
import { freePort } from '../helpers/net.js';
import { nodeAt } from '../../src/contract/spec.js';
import { serveDocs } from '../../scripts/serve-docs.js';
import { GUIDES } from '../../scripts/site.js';

const root = join(import.meta.dirname, '..', '..');
let server: Server;
let browser: Browser;
let page: Page;
let origin = '';
const leftLoopback: string[] = [];
const consoleErrors: string[] = [];

beforeAll(async () => {
  await promisify(execFile)('npm', ['run', '-s', 'docs'], { cwd: root });
  const port = await freePort();
  server = await serveDocs(port);
  origin = `http://127.0.0.1:${port}`;
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  // Every request that would leave 127.0.0.1 is recorded and refused: the page must not need one.
  await page.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.protocol === 'data:' || url.protocol === 'blob:' || url.hostname === '127.0.0.1') return route.continue();
    leftLoopback.push(url.href);
    return route.abort();
  });
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(error.message));
  await page.goto(`${origin}/`, { waitUntil: 'networkidle' });
  // As a reader would: open the tag in the sidebar, then the operation.
  await page.getByText('End Users', { exact: true }).first().click();
  await page.getByText('Update an end user', { exact: true }).first().click();
  await page.getByRole('heading', { name: 'Update an end user' }).waitFor({ timeout: 30_000 });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
});

describe('the browser the docs test drives', () => {
  it('resolves no host name, not even localhost: nothing is looked up beyond loopback', async () => {
    const bare = await browser.newPage(); // no route: only the resolver rules stand in the way
    try {
      const error = await bare.goto(`${origin.replace('127.0.0.1', 'localhost')}/`).catch((e: Error) => e);
      expect(String(error)).toContain('ERR_NAME_NOT_RESOLVED');
    } finally {
      await bare.close();
    }
  });
});

describe('the docs site', () => {
  it('is titled and shows the operation "Update an end user"', async () => {
    expect(await page.title()).toBe('Ada End Users API: contract');
    expect(page.url()).toBe(`${origin}/#/end-users/updateenduser`);
    await expect(page.getByRole('heading', { name: 'Update an end user' }).isVisible()).resolves.toBe(true);
  });

  it('shows the external_id constraints', async () => {
    await expect(
      page
        .getByText(/<= 36 characters/)
        .first()
        .isVisible(),
    ).resolves.toBe(true);
    await expect(page.getByText('^[^<>]*$', { exact: true }).first().isVisible()).resolves.toBe(true);
    await expect(
      page
        .getByText(/At most 36 characters; must not contain/)
        .first()
        .isVisible(),
    ).resolves.toBe(true);
  });

  it('shows the 409 response, and its meaning when opened', async () => {
    const conflict = page.getByRole('button', { name: '409', exact: true });
    await expect(conflict.isVisible()).resolves.toBe(true);
    await conflict.click();
    await expect(
      page
        .getByText(/Conflict\. The requested .*external_id.* is already assigned/)
        .first()
        .isVisible(),
    ).resolves.toBe(true);
  });

  it('shows the named examples', async () => {
    const text = (await page.locator('body').textContent()) ?? '';
    expect(text).toContain("Update the profile (Ada's documented example)");
  });

  // Every operation and webhook of the spec (its summary, from the operations table), opened from the
  // sidebar as a reader would.
  const entries = [...Object.values(operationTable), ...Object.values(webhookTable)].map((op) => ({
    summary: (nodeAt(op.pointer) as { summary: string }).summary,
    tag: (nodeAt(op.pointer) as { tags: string[] }).tags[0]!,
    pointer: op.pointer,
  }));
  it('lists every operation and both webhooks', () => {
    expect(entries).toHaveLength(6);
  });
  it.each(entries)('opens $summary', async ({ summary, tag }) => {
    // The heading's accessible name holds more than the summary (an anchor; "Webhook" for a webhook).
    const heading = page.getByRole('heading', { name: new RegExp(summary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) });
    const link = page.getByText(summary, { exact: true }).filter({ visible: true });
    if ((await link.count()) === 0) await page.getByText(tag, { exact: true }).filter({ visible: true }).first().click();
    await link.first().click();
    await heading.filter({ visible: true }).first().waitFor({ timeout: 30_000 });
    expect(page.url()).toMatch(
      new RegExp(
        `#/[a-z-]+/${(nodeAt(entries.find((e) => e.summary === summary)!.pointer) as { operationId: string }).operationId.toLowerCase()}$`,
      ),
    );
  });

  it('made no request outside 127.0.0.1 and logged no console error', async () => {
    mkdirSync(join(root, '.artifacts'), { recursive: true });
    await page.screenshot({ path: join(root, '.artifacts', 'docs.png'), fullPage: false });
    expect(leftLoopback).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });
});

describe('the guides on the docs site', () => {
  it('the reference’s introduction links every guide page', async () => {
    const linked = await page.locator('a[href$=".html"]').evaluateAll((links) => links.map((a) => a.getAttribute('href')));
    expect(new Set(linked)).toEqual(new Set(GUIDES.map((g) => g.page)));
  });

  it.each(GUIDES)(
    '$page: titled as $source, every link to the site resolves (anchors too), nothing from another host',
    async ({ page: file, source }) => {
      const guide = await browser.newPage();
      const elsewhere: string[] = [];
      await guide.route('**/*', (route) => {
        const url = new URL(route.request().url());
        if (url.protocol === 'data:' || url.hostname === '127.0.0.1') return route.continue();
        elsewhere.push(url.href);
        return route.abort();
      });
      try {
        const answer = await guide.goto(`${origin}/${file}`, { waitUntil: 'load' });
        expect(answer?.status()).toBe(200);
        const title = /^# (.+)$/m.exec(readFileSync(join(root, source), 'utf8'))![1]!.replace(/`/g, '');
        expect(await guide.locator('h1').first().textContent()).toBe(title);
        const hrefs = await guide.locator('a[href]').evaluateAll((links) => links.map((a) => (a as unknown as { href: string }).href));
        for (const href of new Set(hrefs.filter((h) => h.startsWith(origin)))) {
          const [address, anchor] = href.split('#');
          const target = await guide.request.get(address!);
          expect(target.status(), href).toBe(200);
          if (anchor) expect(await target.text(), href).toContain(`id="${anchor}"`);
        }
        expect(elsewhere).toEqual([]);
      } finally {
        await guide.close();
      }
    },
  );
});
