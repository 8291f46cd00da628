/**
 * Reading page state from the URL: a shared link or a reload must show the same page, and anything
 * a person typed into the address bar that is not valid is ignored rather than sent to the API.
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The value when it is one of `values`, else null. */
export function oneOf<T extends string>(values: readonly T[], value: string | null): T | null {
  return value !== null && (values as readonly string[]).includes(value) ? (value as T) : null;
}

/** A whole number ≥ 1, else the fallback. */
export function positiveInt(value: string | null, fallback: number): number {
  if (value === null || !/^\d+$/.test(value)) return fallback;
  const parsed = Number(value);
  return parsed >= 1 ? parsed : fallback;
}

/** A UUID, else null. */
export function uuidOrNull(value: string | null): string | null {
  return value !== null && UUID.test(value) ? value : null;
}

/** The page size when it is one the table offers, else the default. */
export function pageSizeParam(value: string | null, offered: readonly number[], fallback: number): number {
  const size = positiveInt(value, fallback);
  return offered.includes(size) ? size : fallback;
}
