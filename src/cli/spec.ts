// `spec [--format json|yaml]`: the bundled contract the package ships, byte for byte (`openapi.json`,
// `openapi.yaml`), for a consumer's own generator, mock or breaking-change base.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { bundledSpecPath } from '../contract/spec-file.js';
import { type Command, flags, oneOf } from './command.js';

export const specCommand: Command = {
  summary: 'print the bundled contract (JSON, or YAML with --format yaml)',
  usage: 'usage: ada-end-users-contract spec [--format json|yaml]',
  async run(argv, io) {
    const format = oneOf('format', flags(argv, { format: { type: 'string' } }).format, ['json', 'yaml'], 'json');
    // The YAML is a file of the package (its ./openapi.yaml export), found through the package's own name.
    const file = format === 'json' ? bundledSpecPath : createRequire(import.meta.url).resolve('ada-end-users-contract/openapi.yaml');
    io.out(readFileSync(file, 'utf8').replace(/\n$/, ''));
    return 0;
  },
};
