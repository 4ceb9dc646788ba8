// `npm run docs:serve`: serves docs/ (built by `npm run docs`) on 127.0.0.1:8080 (PORT overrides) for a
// person to read. serveDocs() is reused by the browser test.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from './bundle.js';

export const DOCS_DIR = join(ROOT, 'docs');
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.png': 'image/png',
  '.json': 'application/json',
  '.yaml': 'text/yaml',
};

export function serveDocs(port: number, dir = DOCS_DIR): Promise<Server> {
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
    const file = normalize(join(dir, path.endsWith('/') ? `${path}index.html` : path));
    if (!file.startsWith(dir + sep) || !existsSync(file) || !statSync(file).isFile()) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(response);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const port = Number(process.env.PORT ?? 8080);
  if (!existsSync(join(DOCS_DIR, 'index.html'))) {
    console.error('docs/index.html is missing: run `npm run docs` first');
    process.exit(1);
  }
  await serveDocs(port);
  console.log(`docs on http://127.0.0.1:${port}/`);
}
