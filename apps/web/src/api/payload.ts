/**
 * Readers for JSON the app did not produce itself (stream messages, problem documents): each says
 * what it found or `null`, never throws.
 */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A non-empty string, or null. */
export function text(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}

/** One of `values`, or null. */
export function member<T extends string>(values: readonly T[], value: unknown): T | null {
  return typeof value === 'string' && (values as readonly string[]).includes(value) ? (value as T) : null;
}

/** A JSON object from a text, or null for anything else (broken JSON, an array, a number). */
export function parseRecord(data: string): Record<string, unknown> | null {
  try {
    const value = JSON.parse(data) as unknown;
    return isRecord(value) ? value : null;
  } catch {
    return null;
  }
}
