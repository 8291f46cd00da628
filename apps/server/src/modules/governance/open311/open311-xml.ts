/**
 * The XML form of GeoReport v2 documents.
 *
 * Why a small writer of our own rather than a library: this module may not add dependencies (and
 * neither fast-xml-parser's XMLBuilder nor another builder is installed), and what it writes is
 * narrow — shallow trees of elements holding text, with no attributes, namespaces, comments or
 * mixed content. Safety then rests on three rules, all enforced here and covered by a property
 * test that parses the output back with a conforming parser:
 *  1. every text is escaped (`&`, `<`, `>`, both quotes for good measure, and CR — a parser would
 *     otherwise turn a literal CR or CRLF into LF);
 *  2. characters XML 1.0 forbids (most C0 controls, lone surrogates, U+FFFE/U+FFFF) are dropped,
 *     since no escape can carry them;
 *  3. element names come from this code, never from input, and are checked against a strict pattern.
 */
export type XmlValue =
  string | number | boolean | null | undefined | readonly XmlValue[] | { readonly [key: string]: XmlValue };

/** The element of each item of a list, by the list's element (the names the spec uses). */
const ITEM_NAMES: Readonly<Record<string, string>> = {
  services: 'service',
  service_requests: 'request',
  service_request_updates: 'request_update',
  attributes: 'attribute',
  values: 'value',
  endpoints: 'endpoint',
  formats: 'format',
  errors: 'error',
};

const NAME = /^[a-z_][a-z0-9_]*$/;
// Everything outside XML 1.0's Char production; with the `u` flag a lone surrogate is one code point.
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Text as XML character data: forbidden characters dropped, markup characters escaped. */
export function escapeXmlText(text: string): string {
  return text
    .replace(NOT_XML_CHAR, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\r/g, '&#13;');
}

function element(name: string, value: XmlValue, out: string[]): void {
  if (!NAME.test(name)) throw new Error(`"${name}" is not an element name this writer emits`);
  if (value === undefined) return;
  if (value === null || value === '') {
    out.push(`<${name}/>`);
    return;
  }
  if (Array.isArray(value)) {
    const item = ITEM_NAMES[name];
    if (!item) throw new Error(`no item element is known for the list <${name}>`);
    out.push(`<${name}>`);
    for (const entry of value as readonly XmlValue[]) element(item, entry, out);
    out.push(`</${name}>`);
    return;
  }
  if (typeof value === 'object') {
    out.push(`<${name}>`);
    for (const [key, child] of Object.entries(value)) element(key, child, out);
    out.push(`</${name}>`);
    return;
  }
  out.push(`<${name}>${escapeXmlText(String(value))}</${name}>`);
}

/**
 * A whole document: the declaration the spec asks for, then `root` holding `value`. Arrays become
 * the list's item elements (`services` → `<service>`); null and '' become empty elements;
 * undefined fields are left out.
 */
export function toXml(root: string, value: XmlValue): string {
  const out = ['<?xml version="1.0" encoding="UTF-8"?>\n'];
  element(root, value, out);
  return out.join('');
}
