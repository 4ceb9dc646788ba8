// The import graph of src/, read from the files: the folders are layers, each importing only its own
// folder and the layers below it, with no cycles; the root entry never reaches the testing tools; the
// bottom modules that printing an error needs are leaves (no Ajv, no spec read).
import { readdirSync, readFileSync } from 'node:fs';
import { join, posix, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SRC = join(ROOT, 'src');

/** Lowest first: a folder may import its own modules and those of the folders before it. */
const LAYERS: readonly (readonly string[])[] = [
  ['contract'],
  ['client', 'breaking', 'arbitraries'],
  ['prism'],
  ['fake'],
  ['mock'],
  ['verify'],
  ['cli'], // the command line: every tool below it
  ['.'], // the entries: index.ts, testing.ts
];
const rank = (folder: string) => LAYERS.findIndex((layer) => layer.includes(folder));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : /\.(ts|cjs)$/.test(entry.name) ? [join(dir, entry.name)] : [],
  );
}

/** Every specifier a module imports, exports from, or requires (type-only imports included: they are edges of the design too). */
function specifiers(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found = [
    ...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?\sfrom\s+'([^']+)'/g),
    ...text.matchAll(/(?:^|\n)\s*import\s+'([^']+)'/g),
    ...text.matchAll(/\b(?:require|import)\(\s*'([^']+)'\s*\)/g),
  ];
  return found.map((match) => match[1]!);
}

const files = sourceFiles(SRC).map((file) => posix.normalize(relative(ROOT, file)));
const graph = new Map<string, { local: string[]; external: string[] }>();
for (const file of files) {
  const local: string[] = [];
  const external: string[] = [];
  for (const spec of specifiers(join(ROOT, file))) {
    if (!spec.startsWith('.')) {
      external.push(spec);
      continue;
    }
    const target = posix.join(posix.dirname(file), spec).replace(/\.js$/, '.ts');
    local.push(target);
  }
  graph.set(file, { local, external });
}
const folderOf = (file: string) => (file.startsWith('src/') ? (posix.dirname(file.slice(4)).split('/')[0] ?? '.') : 'outside');

function closure(start: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const next of graph.get(file)?.local ?? []) visit(next);
  };
  visit(start);
  return seen;
}

describe('the import graph of src/', () => {
  it('reads every module and finds what each imports', () => {
    expect(files).toContain('src/client/errors.ts');
    expect(graph.get('src/index.ts')!.local).toContain('src/client/client.ts');
    expect(graph.get('src/prism/host.cjs')!.local).toContain('src/prism/http.cjs');
  });

  it('every module sits in a known layer and every local import resolves to a module of src/ or generated/', () => {
    for (const [file, { local }] of graph) {
      expect([file, rank(folderOf(file))]).not.toEqual([file, -1]);
      for (const target of local) {
        expect([file, target, target.startsWith('generated/') || graph.has(target)]).toEqual([file, target, true]);
      }
    }
  });

  it('no module imports from a layer above its own', () => {
    const upward: string[] = [];
    for (const [file, { local }] of graph) {
      for (const target of local) {
        if (target.startsWith('generated/')) continue;
        if (rank(folderOf(target)) > rank(folderOf(file))) upward.push(`${file} -> ${target}`);
      }
    }
    expect(upward).toEqual([]);
  });

  it('has no import cycle', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const walk = (file: string, trail: string[]) => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') {
        cycles.push([...trail.slice(trail.indexOf(file)), file].join(' -> '));
        return;
      }
      state.set(file, 'open');
      for (const next of graph.get(file)?.local ?? []) walk(next, [...trail, file]);
      state.set(file, 'done');
    };
    for (const file of graph.keys()) walk(file, []);
    expect(cycles).toEqual([]);
  });

  it('the root entry reaches neither the testing tools nor fast-check nor Prism', () => {
    const reached = [...closure('src/index.ts')];
    expect(reached.filter((file) => ['prism', 'fake', 'mock', 'verify', 'arbitraries'].includes(folderOf(file)))).toEqual([]);
    const packages = reached.flatMap((file) => graph.get(file)?.external ?? []);
    expect(packages.filter((name) => /fast-check|prism/.test(name))).toEqual([]);
  });

  it('the error classes are a leaf layer: no Ajv, no spec read, no operations table', () => {
    const reached = [...closure('src/client/errors.ts')];
    expect(reached.sort()).toEqual(['generated/schema.ts', 'src/client/errors.ts', 'src/contract/issues.ts']);
    expect(reached.flatMap((file) => graph.get(file)?.external ?? []).filter((name) => !name.startsWith('node:'))).toEqual([]);
  });

  it('json-pointer is the only module that defines pointer escaping', () => {
    const definers = files.filter((file) => /function (un)?escapePointerSegment\b/.test(readFileSync(join(ROOT, file), 'utf8')));
    expect(definers).toEqual(['src/contract/json-pointer.ts']);
  });
});
