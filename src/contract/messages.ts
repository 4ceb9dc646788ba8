// How a validator's errors read as the kit's issues: Ajv's error objects (from the validators written
// out at generate time, and from Ajv at run time alike) become `{ path, message, keyword }`, in Ada's
// words where the spec gives them (`x-pattern-message`) and the kit's rules' own.
import type { ErrorObject } from 'ajv/dist/2020.js';
import type { ValidationIssue, ValidationResult } from './issues.js';
import { childPointer as child } from './json-pointer.js';
import { KIT_SCHEMA_KEYWORDS } from './keywords.js';

/** What a validator function is: Ajv's, compiled or written out; its errors after a false verdict. */
export interface SchemaValidator {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}

/** A validator's verdict on a value, as the kit reports it. */
export function verdictOf(validate: SchemaValidator, value: unknown): ValidationResult {
  if (validate(value)) return { ok: true };
  return { ok: false, errors: toIssues(validate.errors ?? []) };
}

function toIssues(errors: readonly ErrorObject[]): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    const located = toIssue(error);
    // propertyNames reports the inner pattern error and its own summary; keep one line per path+rule.
    if (!located) continue;
    const issue = { ...located, keyword: error.keyword };
    const key = `${issue.path}\u0000${issue.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      issues.push(issue);
    }
  }
  return issues;
}

const FORMAT_NAMES: Record<string, string> = {
  email: 'an email address',
  uri: 'an absolute URI such as https://example.com/a.png',
  'date-time': 'an RFC 3339 date-time such as 2020-09-20T00:00:00+00:00',
};

function listOr(items: readonly unknown[]): string {
  const words = items.map(String);
  return words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} or ${words.at(-1)}`;
}

function toIssue(error: ErrorObject): Omit<ValidationIssue, 'keyword'> | undefined {
  const path = error.instancePath;
  const params = error.params as Record<string, unknown>;
  const parentSchema = (error.parentSchema ?? {}) as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return { path: child(path, String(params.missingProperty)), message: 'is required' };
    case 'additionalProperties': {
      const known = Object.keys((parentSchema.properties as object | undefined) ?? {});
      const hint = known.length > 0 ? `; allowed: ${known.join(', ')}` : '';
      return {
        path: child(path, String(params.additionalProperty)),
        message: `is not an allowed property${hint}`,
      };
    }
    case 'propertyNames': {
      const namesSchema = (parentSchema.propertyNames ?? {}) as Record<string, unknown>;
      const rule = namesSchema['x-pattern-message'] ?? `must match the pattern ${namesSchema.pattern}`;
      return { path: child(path, String(params.propertyName)), message: `key ${rule}` };
    }
    case 'pattern':
      // Inside propertyNames Ajv reports the key's pattern error at the object; the propertyNames
      // error above names the key, so this one is dropped.
      if (error.schemaPath.includes('/propertyNames/')) return undefined;
      return {
        path,
        message: String(parentSchema['x-pattern-message'] ?? `must match the pattern ${params.pattern}`),
      };
    case 'maxLength':
      return { path, message: `must be at most ${params.limit} characters` };
    case 'minLength':
      return {
        path,
        message: params.limit === 1 ? 'must not be empty' : `must be at least ${params.limit} characters`,
      };
    case 'maxProperties':
      return { path, message: `must have at most ${params.limit} properties` };
    case 'type':
      return { path, message: `must be ${listOr([params.type].flat())}` };
    case 'format':
      return { path, message: `must be ${FORMAT_NAMES[String(params.format)] ?? `in ${params.format} format`}` };
    case 'enum':
      return { path, message: `must be one of ${listOr((params.allowedValues as unknown[]).map((v) => JSON.stringify(v)))}` };
    case 'const':
      return { path, message: `must be ${JSON.stringify(params.allowedValue)}` };
    case 'not': {
      const forbidden = ((parentSchema.not as { required?: string[] } | undefined)?.required ?? [])[0];
      return forbidden
        ? { path: child(path, forbidden), message: 'must not be present' }
        : { path, message: 'must not match the forbidden schema' };
    }
    default: {
      const kit = Object.hasOwn(KIT_SCHEMA_KEYWORDS, error.keyword) ? KIT_SCHEMA_KEYWORDS[error.keyword]!.issue : undefined;
      return kit ? kit(params, path) : { path, message: error.message ?? `breaks the ${error.keyword} rule` };
    }
  }
}
