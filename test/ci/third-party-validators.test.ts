// CI-only (`npm run test:ci`): the validators other repositories run on the bundled contract, run here as
// they run them, so that the contract passes what its consumers' pipelines check. Where one reports
// something the contract keeps on purpose, the finding is pinned with the reason (docs/generators.md,
// "Validators and linters"); anything else it reports fails here.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import SwaggerParser from '@apidevtools/swagger-parser';
import { Document, Spectral, type RulesetDefinition } from '@stoplight/spectral-core';
import { oas } from '@stoplight/spectral-rulesets';
import owaspRuleset from '@stoplight/spectral-owasp-ruleset';
import { describe, expect, it } from 'vitest';
import { bundledSpecPath } from '../../src/contract/spec-file.js';

const text = readFileSync(bundledSpecPath, 'utf8');
// CommonJS whose named exports a NodeNext import does not see.
const { Json: jsonParser } = createRequire(import.meta.url)('@stoplight/spectral-parsers');

/** Spectral's findings on the bundle under a ruleset, as `severity rule path` lines, sorted. */
async function spectral(ruleset: unknown): Promise<string[]> {
  const linter = new Spectral();
  linter.setRuleset(ruleset as RulesetDefinition);
  const results = await linter.run(new Document(text, jsonParser, 'openapi.json'));
  const severity = ['error', 'warn', 'info', 'hint'];
  return results.map((r) => `${severity[r.severity]} ${r.code} ${r.path.join('.')}`).sort();
}

describe('validators other repositories run on generated/openapi.json', () => {
  it('@apidevtools/swagger-parser validate (swagger-cli validate): valid', async () => {
    await expect(SwaggerParser.validate(JSON.parse(text))).resolves.toBeDefined();
  });

  it('Spectral spectral:oas: only the trailing slash of /v2/end-users/, which is Ada’s own URL', async () => {
    expect(await spectral(oas)).toEqual(['warn path-keys-no-trailing-slash paths./v2/end-users/']);
  });

  it('Spectral with the OWASP API Security ruleset: no finding but the pinned ones', async () => {
    const findings = await spectral((owaspRuleset as unknown as { default?: unknown }).default ?? owaspRuleset);
    const byRule = (rule: string) => findings.filter((line) => line.split(' ')[1] === rule).length;
    // Ada's API as it is, which the contract describes and does not redesign:
    const kept: Record<string, number> = {
      // Ada documents no length for these strings (names, ids, cursors, messages); inventing one would
      // refuse what Ada accepts. (Counted per schema: the end user's id and timestamps are components of
      // their own since contract 1.3.0, so they count again.)
      'owasp:api4:2023-string-limit': 29,
      // Nor a bound on a page's items beyond `limit`, on an error list, or on webhook tags.
      'owasp:api4:2023-array-limit': 4,
      // Ada documents 429 and Retry-After, but no rate-limit headers on other answers.
      'owasp:api4:2023-rate-limit': 11,
      // One server, Ada's production API: neither internal nor one of several environments.
      'owasp:api9:2023-inventory-access': 1,
      'owasp:api9:2023-inventory-environment': 1,
      // Metadata and sensitive values are any JSON integer Ada stores; it documents no range.
      'owasp:api4:2023-integer-limit': 2,
      // Warnings: strings without a pattern or format (free text: names, messages).
      'owasp:api4:2023-string-restricted': 20,
      // No integer format: `limit` (1..100) fits every generator's default integer; metadata and sensitive
      // values have no range Ada documents (int64 would refuse what it may accept), and as unions of types
      // no generator's int32 default applies to them.
      'owasp:api4:2023-integer-format': 3,
    };
    const rules = [...new Set(findings.map((line) => line.split(' ')[1]!))].sort();
    expect(rules).toEqual(Object.keys(kept).sort());
    expect(Object.fromEntries(rules.map((rule) => [rule, byRule(rule)]))).toEqual(kept);
  });
});
