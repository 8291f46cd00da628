/**
 * Reading GeoReport v2 inputs: W3C date-times, comma lists, the locale, form bodies. Pure; the
 * service turns a `null`/problem into a 400 that names the parameter.
 */

// The W3C note's complete date-time forms; the spec requires the time zone (Z or ±hh:mm).
const W3C_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-](\d{2}):(\d{2}))$/;

/**
 * A W3C date-time with a time zone, or null. Components are range-checked, since `Date` would
 * quietly roll 2026-02-30 over into March.
 */
export function parseW3cDateTime(value: string): Date | null {
  const match = W3C_DATE_TIME.exec(value.trim());
  if (!match) return null;
  const [, year, month, day, hour, minute, second, , offsetHours, offsetMinutes] = match;
  const y = Number(year);
  const m = Number(month);
  const d = Number(day);
  const daysInMonth = new Date(Date.UTC(y, m, 0)).getUTCDate();
  if (m < 1 || m > 12 || d < 1 || d > daysInMonth) return null;
  if (Number(hour) > 23 || Number(minute) > 59 || Number(second ?? 0) > 59) return null;
  if (offsetHours !== undefined && (Number(offsetHours) > 14 || Number(offsetMinutes) > 59)) return null;
  const parsed = new Date(value.trim());
  return Number.isNaN(parsed.getTime()) ? null : parsed;
}

export type Locale = 'zh' | 'en';

/** `a, b,,c` → ['a', 'b', 'c']. */
export function parseList(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/**
 * English when asked for (`locale=en…`, or English preferred over Chinese in Accept-Language);
 * Chinese otherwise — the subdistrict's own language.
 */
export function pickLocale(locale: string | undefined, acceptLanguage: string | undefined): Locale {
  if (locale) return /^en\b/i.test(locale.trim()) ? 'en' : 'zh';
  if (!acceptLanguage) return 'zh';
  const ranked = acceptLanguage
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((param) => /^\s*q=([\d.]+)\s*$/.exec(param)?.[1]).find(Boolean);
      return { tag: tag.trim().toLowerCase(), q: q === undefined ? 1 : Number(q), index };
    })
    .filter((entry) => entry.q > 0 && (entry.tag.startsWith('en') || entry.tag.startsWith('zh')))
    .sort((a, b) => b.q - a.q || a.index - b.index);
  return ranked[0]?.tag.startsWith('en') ? 'en' : 'zh';
}

export type FormFields = Record<string, string | string[]>;

/** An application/x-www-form-urlencoded body; a name given more than once collects its values. */
export function parseForm(body: string): FormFields {
  const fields: FormFields = {};
  for (const [name, value] of new URLSearchParams(body)) {
    const existing = fields[name];
    if (existing === undefined) fields[name] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else fields[name] = [existing, value];
  }
  return fields;
}

const ATTRIBUTE_FIELD = /^attribute\[([^\]]+)\](\[\])?$/;

/**
 * The `attribute[code]` fields of a form by code. Multi-value lists arrive as `attribute[code][]`
 * (PHP style, as most clients send them) or as the same name repeated; both are accepted.
 */
export function attributeFields(fields: FormFields): Map<string, string[]> {
  const attributes = new Map<string, string[]>();
  for (const [name, value] of Object.entries(fields)) {
    const match = ATTRIBUTE_FIELD.exec(name);
    if (!match) continue;
    const code = match[1]!;
    attributes.set(code, [...(attributes.get(code) ?? []), ...(Array.isArray(value) ? value : [value])]);
  }
  return attributes;
}

/** Mobile numbers and e-mail addresses in free text, masked before text leaves the platform. */
export function redactContacts(text: string): string {
  return text
    .replace(/(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)/g, '$1****$3')
    .replace(/([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})/g, '$1***@$2');
}
