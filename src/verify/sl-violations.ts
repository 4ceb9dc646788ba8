// Prism's verdict on an exchange it proxied, as it reports it in the `sl-violations` header: read by
// verify's judge (and by tests that ask the mock why it refused).

/** One entry of Prism's `sl-violations` header: what broke, and where. */
export interface PrismViolation {
  location: string[];
  /** The JSON Schema keyword (or status); absent for some checks, such as a wrong media type. */
  code?: string | number;
  message: string;
  severity: string;
}

/** Prism's verdict on an exchange, from its `sl-violations` header (none when absent or unreadable). */
export function prismViolations(headers: Headers): PrismViolation[] {
  const raw = headers.get('sl-violations');
  if (!raw) return [];
  try {
    return JSON.parse(raw) as PrismViolation[];
  } catch {
    return [];
  }
}

/** Prism's location segments keep RFC 6901 escapes, so they join into a JSON pointer as they are. */
export function prismLocationPointer(segments: string[]): string {
  return segments.map((segment) => `/${segment}`).join('');
}
