// The docs site's guide pages: each Markdown guide rendered (marked) into docs/<name>.html in a plain
// page of its own, no script and nothing from another host. Links are rewritten to what the site serves
// (a guide's page, the reference, a copied file); a relative link to anything else fails the build, so
// the site never has a dead link that the repository's Markdown does not.
import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, posix, relative } from 'node:path';
import { Marked } from 'marked';
import { ROOT } from './bundle.js';

const DOCS = join(ROOT, 'docs');

/** Source (repository path) -> page: every guide in docs/, then the recipe and the project's own files. */
export const GUIDES: ReadonlyArray<{ source: string; page: string }> = [
  ...readdirSync(DOCS)
    .filter((file) => file.endsWith('.md'))
    .sort()
    .map((file) => ({ source: `docs/${file}`, page: file.replace(/\.md$/, '.html') })),
  { source: 'examples/ci/README.md', page: 'example-ci.html' },
  { source: 'CONTRIBUTING.md', page: 'contributing.html' },
  { source: 'CHANGELOG.md', page: 'changelog.html' },
];
/** Files the guides link to that the site serves as they are. */
const COPIED: Readonly<Record<string, string>> = {
  'src/cli/report.schema.json': 'report.schema.json',
  'examples/ci/workflow.yml': 'example-ci-workflow.yml',
  'examples/ci/contract.test.ts': 'example-ci-contract.test.ts',
};
/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
export function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/<[^>]+>/g, '')
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .trim()
    .replace(/\s/g, '-');
}

/**
 * The page a link from `source` leads to on the site; null for one to GitHub's pages around the
 * repository (the CHANGELOG's compare links, `../../compare/…`), which the site shows as text; undefined
 * for one the site cannot serve.
 */
function siteHref(source: string, href: string): string | null | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith('#')) return href;
  const [path = '', anchor] = href.split('#');
  const target = posix.normalize(posix.join(posix.dirname(source), path)).replace(/\/$/, '');
  if (target.startsWith('../')) return null;
  const hash = anchor === undefined ? '' : `#${anchor}`;
  // The README is not a page of the site (its home is the reference), so its anchors have no target here.
  if (target === 'README.md') return 'index.html';
  const guide = GUIDES.find((g) => g.source === target || g.source === `${target}/README.md`);
  if (guide) return `${guide.page}${hash}`;
  if (COPIED[target]) return `${COPIED[target]}${hash}`;
  return undefined;
}

const htmlEscape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Writes every guide's page (and the files they link to); the pages, with their titles. */
export function writeGuidePages(): Array<{ page: string; title: string }> {
  const written: Array<{ page: string; title: string }> = [];
  const nav = GUIDES.map((g) => `<a href="${g.page}">${htmlEscape(titleOf(g.source))}</a>`).join(' · ');
  for (const { source, page } of GUIDES) {
    const dead: string[] = [];
    const marked = new Marked({
      gfm: true,
      renderer: {
        heading({ tokens, depth }) {
          const text = this.parser.parseInline(tokens);
          return `<h${depth} id="${slug(text)}">${text}</h${depth}>\n`;
        },
        link({ href, title, tokens }) {
          const target = siteHref(source, href);
          if (target === undefined) dead.push(href);
          if (target === null) return `<span>${this.parser.parseInline(tokens)}</span>`;
          return `<a href="${htmlEscape(target ?? href)}"${title ? ` title="${htmlEscape(title)}"` : ''}>${this.parser.parseInline(tokens)}</a>`;
        },
      },
    });
    const body = marked.parse(readFileSync(join(ROOT, source), 'utf8'), { async: false });
    if (dead.length > 0) {
      throw new Error(`build-docs: ${source} links to ${dead.join(', ')}, which the docs site does not serve (scripts/site.ts)`);
    }
    const title = titleOf(source);
    writeFileSync(
      join(DOCS, page),
      `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${htmlEscape(title)}: ada-end-users-contract</title><link rel="icon" href="data:,">
<style>body{font:16px/1.55 system-ui,sans-serif;max-width:60rem;margin:0 auto;padding:1rem 1.5rem;color:#222}
nav{font-size:14px;border-bottom:1px solid #ddd;padding-bottom:.5rem}pre{background:#f6f8fa;padding:.75rem;overflow:auto}
code{font-size:90%}table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:.3rem .5rem;vertical-align:top}</style>
</head><body><nav><a href="index.html">API reference</a> · ${nav}</nav>
<main>${body}</main></body></html>
`,
    );
    written.push({ page, title });
  }
  for (const [from, to] of Object.entries(COPIED)) copyFileSync(join(ROOT, from), join(DOCS, to));
  return written;
}

function titleOf(source: string): string {
  return /^# (.+)$/m.exec(readFileSync(join(ROOT, source), 'utf8'))?.[1]?.replace(/`/g, '') ?? relative(dirname(source), source);
}

/** Markdown for the reference's introduction: a link per guide page. */
export function guidesIntroduction(pages: ReadonlyArray<{ page: string; title: string }>): string {
  return ['## Guides', '', ...pages.map(({ page, title }) => `- [${title}](${page})`)].join('\n');
}
