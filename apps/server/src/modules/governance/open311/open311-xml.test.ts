import fc from 'fast-check';
import { SaxesParser } from 'saxes';
import { describe, expect, it } from 'vitest';
import { escapeXmlText, toXml } from './open311-xml.js';

/** Element names and texts in document order, read by a conforming parser (it throws on bad XML). */
function read(xml: string): Array<{ name: string; text: string }> {
  const parser = new SaxesParser();
  const elements: Array<{ name: string; text: string }> = [];
  const open: Array<{ name: string; text: string }> = [];
  parser.on('error', (error) => {
    throw error;
  });
  parser.on('opentag', (tag) => {
    const element = { name: tag.name, text: '' };
    elements.push(element);
    open.push(element);
  });
  parser.on('text', (text) => {
    const current = open.at(-1);
    if (current) current.text += text;
  });
  parser.on('closetag', () => void open.pop());
  parser.write(xml).close();
  return elements;
}

describe('the GeoReport XML writer', () => {
  it('writes the declaration, list items under the spec’s names, and empty elements for null', () => {
    const xml = toXml('service_requests', [
      { service_request_id: '20261129-00001', status_notes: null, lat: 30.27, skipped: undefined },
    ]);
    expect(xml).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
        '<service_requests><request><service_request_id>20261129-00001</service_request_id>' +
        '<status_notes/><lat>30.27</lat></request></service_requests>',
    );
    expect(toXml('service_definition', { attributes: [{ values: [{ key: 'a', name: 'A' }] }] })).toContain(
      '<attributes><attribute><values><value><key>a</key><name>A</name></value></values></attribute></attributes>',
    );
    expect(toXml('discovery', { metadata: true, formats: ['text/xml'] })).toContain(
      '<metadata>true</metadata><formats><format>text/xml</format></formats>',
    );
  });

  it('escapes markup and drops characters XML cannot carry', () => {
    expect(escapeXmlText(`a<b>&"c"'d'`)).toBe('a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;');
    expect(escapeXmlText('bell\u0007 nul\u0000 lone\uD800 ok\u{1F600}')).toBe('bell nul lone ok\u{1F600}');
    expect(escapeXmlText('line\r\nnext')).toBe('line&#13;\nnext');
  });

  it('refuses element names and lists it does not know, rather than writing bad XML', () => {
    expect(() => toXml('bad name', 'x')).toThrow(/element name/);
    expect(() => toXml('errors', [{ 'x<y': 1 }])).toThrow(/element name/);
    expect(() => toXml('unknown_list', [1])).toThrow(/item element/);
  });

  it('round-trips any text through a conforming parser, less the characters XML forbids', () => {
    const forbidden = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
    const text = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.string({
        unit: fc.constantFrom('<', '>', '&', '"', "'", '\r', '\n', '\u0000', '\uD83D', ']]>', '张'),
      }),
    );
    fc.assert(
      fc.property(text, text, (code, description) => {
        const elements = read(toXml('errors', [{ code, description }]));
        expect(elements.map((element) => element.name)).toEqual(['errors', 'error', 'code', 'description']);
        expect(elements[2]!.text).toBe(code.replace(forbidden, ''));
        expect(elements[3]!.text).toBe(description.replace(forbidden, ''));
      }),
    );
  });
});
