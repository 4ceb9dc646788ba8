// `npm run docs`: the docs site in docs/: index.html, the API reference (below), and a page per guide
// (docs/*.md, and the CHANGELOG, CONTRIBUTING and the CI example), linked from the reference's
// introduction. A guide's link the site cannot serve fails the build (site.ts).
//
// index.html from the spec with Redocly's build-docs, Redoc inlined, its
// telemetry off (REDOCLY_TELEMETRY=off is what sets the page's `disableTelemetry`: without it the page
// sends traces to otel.cloud.redocly.com as a reader clicks). Redoc still
// loads its own "API docs by Redocly" logo from a CDN; that image is replaced by an inline SVG so that
// the page requests nothing from any other host (the browser test checks this), and an empty favicon
// saves a request for /favicon.ico.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './bundle.js';
import { guidesIntroduction, writeGuidePages } from './site.js';

const output = join(ROOT, 'docs', 'index.html');
const pages = writeGuidePages();
// The reference is built from the bundle with the guides listed at the end of its introduction (the
// site's, not the contract's: the spec itself is unchanged).
const work = mkdtempSync(join(tmpdir(), 'ada-docs-'));
try {
  const spec = JSON.parse(readFileSync(join(ROOT, 'generated', 'openapi.json'), 'utf8'));
  spec.info.description = `${spec.info.description ?? ''}\n\n${guidesIntroduction(pages)}`;
  writeFileSync(join(work, 'openapi.json'), JSON.stringify(spec));
  execFileSync(
    join(ROOT, 'node_modules', '.bin', 'redocly'),
    ['build-docs', join(work, 'openapi.json'), '--inlineBundle', '--title', 'Ada End Users API: contract', '-o', output],
    { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, REDOCLY_TELEMETRY: 'off' } },
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
if (!readFileSync(output, 'utf8').includes('"disableTelemetry":true'))
  throw new Error('build-docs: the page would send telemetry; see scripts/build-docs.ts');

const logo = `data:image/svg+xml,${encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" width="90" height="20"><text x="0" y="15" font-family="sans-serif" font-size="14">Redocly</text></svg>',
)}`;
const cdnLogos = /https:\/\/cdn\.redoc\.ly\/redoc\/logo-mini(?:-full)?\.svg/g;
const html = readFileSync(output, 'utf8');
const count = html.match(cdnLogos)?.length ?? 0;
if (count === 0) throw new Error('build-docs: the Redoc logo URL moved; update scripts/build-docs.ts');
// An empty icon, so the browser does not ask the server for /favicon.ico (a 404 in the console).
writeFileSync(output, html.replace(cdnLogos, logo).replace('<head>', '<head><link rel="icon" href="data:,">'));
console.log(
  `docs/index.html written (${Math.round(Buffer.byteLength(html) / 1024)} KiB, ${count} CDN logo URLs inlined), and ${pages.length} guide pages`,
);
