// What a validator reports, and how an issue reads in a message: a leaf (no imports), so that the error
// classes that print issues load neither Ajv nor the spec.

export interface ValidationIssue {
  /**
   * JSON pointer (RFC 6901) to the offending value in the body, e.g. `/profile/external_id`; for a
   * parameter (see `in`), `/` and its name, e.g. `/end_user_id`.
   */
  path: string;
  /** The rule it breaks, e.g. `must be at most 36 characters`. */
  message: string;
  /** The schema keyword of that rule, e.g. `maxLength`, `required`, `x-max-json-bytes`. */
  keyword: string;
  /** Absent for the body; `path` or `query` for a parameter. */
  in?: 'path' | 'query';
}

export type ValidationResult = { ok: true } | { ok: false; errors: ValidationIssue[] };

/** `path: message` lines, for error messages and logs. */
export function formatValidationIssues(issues: readonly ValidationIssue[]): string {
  return issues.map((issue) => `${where(issue)}: ${issue.message}`).join('\n');
}

/** Rules about a whole answer rather than its body. */
const ANSWER_KEYWORDS = new Set(['status', 'content-encoding']);

function where(issue: ValidationIssue): string {
  if (issue.in) return `${issue.path.slice(1)} (${issue.in} parameter)`;
  if (issue.path === '' && ANSWER_KEYWORDS.has(issue.keyword)) return `(${issue.keyword})`;
  return issue.path || '(body)';
}
