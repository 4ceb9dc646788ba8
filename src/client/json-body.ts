// Request bodies as JSON text, serialized once per call (not once per attempt). A value JSON cannot
// carry (a BigInt, a cycle, a toJSON that throws) is a local mistake: it is reported with the place it
// sits, before anything is sent, instead of surfacing as a network failure.
import { escapePointerSegment } from '../contract/json-pointer.js';
import type { ValidationIssue } from '../contract/validation.js';

export type JsonBody = { ok: true; text: string } | { ok: false; issue: ValidationIssue };

export function serializeJsonBody(body: unknown): JsonBody {
  try {
    return { ok: true, text: JSON.stringify(body) };
  } catch (error) {
    return { ok: false, issue: { keyword: 'json', ...locate(body, error) } };
  }
}

/** Where in `value` JSON.stringify gave up, and why, worded as a rule. */
function locate(value: unknown, error: unknown): { path: string; message: string } {
  const found = firstUnserializable(value, '', []);
  if (found) return found;
  return { path: '', message: `must be serializable as JSON (${(error as Error)?.message ?? String(error)})` };
}

function firstUnserializable(value: unknown, path: string, ancestors: object[]): { path: string; message: string } | undefined {
  if (typeof value === 'bigint') return { path, message: 'must be serializable as JSON, but is a BigInt (use a number or a string)' };
  if (typeof value !== 'object' || value === null) return undefined;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return undefined; // its own serialization (a Date)
  if (ancestors.includes(value))
    return { path, message: 'must be serializable as JSON, but refers back to an object that contains it (a cycle)' };
  const next = [...ancestors, value];
  for (const [key, child] of Object.entries(value)) {
    const found = firstUnserializable(child, `${path}/${escapePointerSegment(key)}`, next);
    if (found) return found;
  }
  return undefined;
}
