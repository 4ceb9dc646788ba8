// The README is a consumer's first screen and stays one: under 12 KB, the two commands for a new user
// of this repository, a link to every guide. Every relative link of the README, the guides,
// CONTRIBUTING.md and the CI recipe leads to a file of the repository, and an anchor to a heading there.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { slug } from '../scripts/site.js';

const root = join(import.meta.dirname, '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const guides = readdirSync(join(root, 'docs'))
  .filter((file) => file.endsWith('.md'))
  .map((file) => `docs/${file}`);
const documents = ['README.md', 'CONTRIBUTING.md', 'examples/ci/README.md', ...guides];

/** Markdown links `[text](target)` outside code, and reference definitions `[name]: target`. */
function links(text: string): string[] {
  const prose = text.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  return [...prose.matchAll(/\]\(([^)\s]+)\)/g), ...prose.matchAll(/^\[[^\]]+\]: (\S+)$/gm)].map((m) => m[1]!);
}

describe('the README', () => {
  it('is under 12 KB', () => {
    expect(Buffer.byteLength(readme)).toBeLessThan(12 * 1024);
  });

  it('keeps the two commands for a new user of this repository', () => {
    expect(readme).toMatch(/^npm ci && npm start\b/m);
    expect(readme).toMatch(/^npm test\b/m);
  });

  it('links every guide and CONTRIBUTING.md', () => {
    const linked = new Set(links(readme));
    for (const target of [...guides, 'CONTRIBUTING.md', 'examples/ci/']) expect(linked, target).toContain(target);
  });
});

describe.each(documents)('%s', (document) => {
  it('every relative link leads to a file of the repository, every anchor to a heading there', () => {
    const text = readFileSync(join(root, document), 'utf8');
    const broken: string[] = [];
    for (const link of links(text)) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(link)) continue;
      const [path = '', anchor] = link.split('#');
      const target = path === '' ? join(root, document) : join(root, dirname(document), path);
      // GitHub's pages around the repository (the CHANGELOG's compare links) are not files.
      if (relative(root, target).startsWith('..')) continue;
      if (!existsSync(target)) {
        broken.push(`${link}: no such file`);
        continue;
      }
      if (anchor && statSync(target).isFile()) {
        const headings = [...readFileSync(target, 'utf8').matchAll(/^#+ (.+)$/gm)].map((m) => slug(m[1]!.replace(/`/g, '')));
        if (!headings.includes(anchor)) broken.push(`${link}: no heading "${anchor}"`);
      }
    }
    expect(broken).toEqual([]);
  });
});
