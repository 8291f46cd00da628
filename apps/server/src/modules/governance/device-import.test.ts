import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../platform/errors.js';
import {
  BuildingMatcher,
  capErrors,
  decodeText,
  fieldOfHeader,
  MAX_IMPORT_BYTES,
  MAX_LISTED_ERRORS,
  parseCsv,
  parseDate,
  parseDeviceSheet,
  parseDeviceType,
  readSheet,
  type SheetRow,
} from './device-import.js';

const sheet = (...lines: string[][]): SheetRow[] => lines.map((cells, index) => ({ row: index + 1, cells }));
const TODAY = '2026-11-29';

describe('headers and values', () => {
  it('recognises Chinese, English and bilingual headers', () => {
    expect(fieldOfHeader('设备编号')).toBe('code');
    expect(fieldOfHeader(' Code ')).toBe('code');
    expect(fieldOfHeader('设备编号 Code')).toBe('code');
    expect(fieldOfHeader('经度/lng')).toBe('lng');
    expect(fieldOfHeader('installed_on')).toBe('installed_on');
    expect(fieldOfHeader('名称（选填）')).toBe('name');
    expect(fieldOfHeader('stream_url')).toBe('stream_url');
    expect(fieldOfHeader('社区')).toBeUndefined();
  });

  it('reads a device type by code, Chinese name or common word', () => {
    expect(parseDeviceType('smoke')).toBe('smoke');
    expect(parseDeviceType('Electrical Fire')).toBe('electrical_fire');
    expect(parseDeviceType('烟感探测器')).toBe('smoke');
    expect(parseDeviceType('视频监控')).toBe('camera');
    expect(parseDeviceType('摄像头')).toBe('camera');
    expect(parseDeviceType('烤箱')).toBeUndefined();
  });

  it('reads calendar dates and refuses impossible ones', () => {
    expect(parseDate('2025-06-01')).toBe('2025-06-01');
    expect(parseDate('2025/6/1')).toBe('2025-06-01');
    expect(parseDate('2025-02-30')).toBeUndefined();
    expect(parseDate('01/06/2025')).toBeUndefined();
  });
});

describe('CSV', () => {
  it('handles quotes, doubled quotes, line breaks inside fields and CRLF', () => {
    const rows = parseCsv('code,name\r\n"A-1","3幢, ""东"" 单元"\r\nA-2,"两\n行"\r\n');
    expect(rows).toEqual([
      { row: 1, cells: ['code', 'name'] },
      { row: 2, cells: ['A-1', '3幢, "东" 单元'] },
      { row: 3, cells: ['A-2', '两\n行'] },
    ]);
  });

  it('counts blank lines as rows, as Excel shows them', () => {
    expect(parseCsv('code\n\nA-1').map((row) => row.row)).toEqual([1, 2, 3]);
  });

  it('reads tab-separated text (Excel "Unicode text")', () => {
    expect(parseCsv('设备编号\t类型\nA-1\t烟感').map((row) => row.cells)).toEqual([
      ['设备编号', '类型'],
      ['A-1', '烟感'],
    ]);
  });

  it('parses what a quoting CSV writer wrote, for any text', () => {
    const table = fc.array(fc.array(fc.string({ unit: 'grapheme' }), { minLength: 1, maxLength: 5 }), {
      minLength: 1,
      maxLength: 8,
    });
    fc.assert(
      fc.property(table, (rows) => {
        const text = rows
          .map((cells) => cells.map((cell) => `"${cell.replaceAll('"', '""')}"`).join(','))
          .join('\r\n');
        expect(parseCsv(text).map((row) => row.cells)).toEqual(rows);
      }),
    );
  });

  it('decodes UTF-8 with and without BOM, UTF-16 and GB18030', () => {
    const text = '设备编号,类型\nGD-1,烟感';
    expect(decodeText(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]))).toBe(text);
    expect(decodeText(Buffer.from(text))).toBe(text);
    expect(decodeText(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]))).toBe(text);
    // "古荡" in GB18030 (what Excel on a Chinese Windows saves as CSV).
    expect(decodeText(Buffer.from([0xb9, 0xc5, 0xb5, 0xb4]))).toBe('古荡');
  });
});

describe('checking rows', () => {
  it('finds the header below a title line and reads the rows', () => {
    const parsed = parseDeviceSheet(
      sheet(
        ['古荡街道设备台账'],
        ['设备编号', '类型', '名称', '楼栋', '经度', '纬度', '安装日期', 'stream_url'],
        ['GD-SMK-1', '烟感', '', '古荡新村1幢', '', '', '2025-06-01', ''],
        ['GD-CAM-1', 'camera', '路口', '', '120.1', '30.28', '', 'rtsp://10.0.0.1/1'],
      ),
      TODAY,
    );
    expect(parsed.errors).toEqual([]);
    expect(parsed.rows).toBe(2);
    expect(parsed.drafts).toMatchObject([
      {
        row: 3,
        code: 'GD-SMK-1',
        type: 'smoke',
        building: '古荡新村1幢',
        point: undefined,
        installedOn: '2025-06-01',
      },
      {
        row: 4,
        code: 'GD-CAM-1',
        type: 'camera',
        name: '路口',
        point: { lng: 120.1, lat: 30.28 },
        streamUrl: 'rtsp://10.0.0.1/1',
      },
    ]);
  });

  it('names every problem of every row, by sheet row and field', () => {
    const parsed = parseDeviceSheet(
      sheet(
        ['code', 'type', 'building', 'lng', 'lat', 'installed_on', 'stream_url'],
        ['A-1', 'smoke', '1幢', '', '', '', ''],
        ['A-1', 'oven', '', '', '', '2030-01-01', ''],
        ['bad code', 'gas', '', '190', '', '', 'rtsp://x'],
        ['', 'camera', '1幢', '', '', '', 'ftp://x'],
      ),
      TODAY,
    );
    const pairs = parsed.errors.map((error) => `${error.row}:${error.field}`);
    expect(pairs).toEqual([
      '3:code',
      '3:type',
      '3:building',
      '3:installed_on',
      '4:code',
      '4:lng',
      '4:lat',
      '4:stream_url',
      '5:code',
      '5:stream_url',
    ]);
    expect(parsed.errors[0]!.message).toContain('row 2');
    // Every problem is said in Chinese too, naming the column as staff know it.
    expect(parsed.errors[0]!.messageZh).toContain('已在第 2 行出现');
    expect(parsed.errors.every((error) => /[\u4e00-\u9fff]/.test(error.messageZh))).toBe(true);
    expect(parsed.drafts.map((draft) => draft.code)).toEqual(['A-1']);
  });

  it('refuses a sheet without the columns it needs', () => {
    expect(parseDeviceSheet(sheet(['名称'], ['x']), TODAY).errors).toEqual([
      expect.objectContaining({ row: 1, field: 'code' }),
    ]);
    expect(
      parseDeviceSheet(sheet(['设备编号', '经度'], ['A', '120']), TODAY).errors.map((e) => e.field),
    ).toEqual(['type', 'lat']);
    const empty = parseDeviceSheet(sheet(['设备编号', '类型']), TODAY).errors;
    expect(empty).toHaveLength(1);
    expect(empty[0]).toMatchObject({ row: 2, field: 'code' });
    expect(empty[0]!.message).toContain('no device rows');
    expect(empty[0]!.messageZh).toBe('表头下方没有设备数据行');
    expect(parseDeviceSheet([], TODAY).errors).toHaveLength(1);
  });

  it('lists at most a thousand errors and says how many more there were', () => {
    const errors = Array.from({ length: MAX_LISTED_ERRORS + 5 }, (_, index) => ({
      row: MAX_LISTED_ERRORS + 5 - index + 1,
      field: 'code',
      message: 'is empty',
      messageZh: '设备编号为空',
    }));
    const capped = capErrors(errors);
    expect(capped).toHaveLength(MAX_LISTED_ERRORS + 1);
    expect(capped[0]!.row).toBe(2);
    expect(capped.at(-1)!.message).toContain('5 more');
    expect(capped.at(-1)!.messageZh).toBe('从这一行起还有 5 处错误未列出');
  });
});

describe('buildings', () => {
  const building = (id: string, name: string, address: string) => ({
    id,
    name,
    address,
    gridId: 'g',
    communityId: 'c',
    lng: 120,
    lat: 30,
  });
  const matcher = new BuildingMatcher([
    building('1', '古荡新村1幢', '杭州市西湖区古荡街道古荡新村社区1幢'),
    building('12', '古荡新村12幢', '杭州市西湖区古荡街道古荡新村社区12幢'),
    building('a', '3幢', '华星路3号'),
    building('b', '3幢', '益乐路3号'),
  ]);
  const idOf = (text: string) => {
    const result = matcher.match(text);
    return 'building' in result ? result.building.id : `${result.error.en} | ${result.error.zh}`;
  };

  it('matches by exact name or address, ignoring spaces and full-width digits', () => {
    expect(idOf('古荡新村1幢')).toBe('1');
    expect(idOf('古荡新村 １２幢')).toBe('12');
    expect(idOf('益乐路3号')).toBe('b');
  });

  it('matches the longest building named inside a longer text', () => {
    expect(idOf('古荡新村12幢2单元')).toBe('12');
    expect(idOf('古荡新村1幢东侧')).toBe('1');
  });

  it('says when a name is ambiguous or unknown', () => {
    expect(idOf('3幢')).toContain('2 buildings');
    expect(idOf('3幢')).toContain('对应 2 栋楼');
    expect(idOf('莲花新村9幢')).toContain('no building');
    expect(idOf('莲花新村9幢')).toContain('本街道没有楼栋“莲花新村9幢”');
  });
});

describe('reading files', () => {
  it('reads the first sheet of a workbook, dates as dates, whatever the upload was labelled', async () => {
    const workbook = new ExcelJS.Workbook();
    const worksheet = workbook.addWorksheet('设备');
    worksheet.addRow(['设备编号', '类型', '安装日期', '经度']);
    worksheet.addRow(['000123', '烟感', new Date(Date.UTC(2025, 5, 1)), 120.123456]);
    worksheet.getCell('B3').value = { richText: [{ text: '燃' }, { text: '气' }] };
    worksheet.getCell('A3').value = { formula: '"GD-"&"2"', result: 'GD-2' };
    workbook.addWorksheet('说明').addRow(['ignored']);
    const bytes = Buffer.from(await workbook.xlsx.writeBuffer());
    const rows = await readSheet({ bytes, contentType: 'application/octet-stream' });
    expect(rows.map((row) => row.cells)).toEqual([
      ['设备编号', '类型', '安装日期', '经度'],
      ['000123', '烟感', '2025-06-01', '120.123456'],
      ['GD-2', '燃气'],
    ]);
  });

  it('refuses what it cannot read with a clear error', async () => {
    const refusal = async (bytes: Buffer, contentType: string) => {
      const error = await readSheet({ bytes, contentType }).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(AppError);
      return error as AppError;
    };
    expect((await refusal(Buffer.alloc(MAX_IMPORT_BYTES + 1), 'text/csv')).code).toBe('payload_too_large');
    expect(
      (await refusal(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0, 0]), 'application/vnd.ms-excel')).message,
    ).toContain('.xls');
    expect((await refusal(Buffer.from('a,b'), 'application/pdf')).code).toBe('unsupported_media_type');
    expect(
      (await refusal(Buffer.from('a,b'), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'))
        .code,
    ).toBe('validation_failed');
    expect((await refusal(Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]), 'text/csv')).message).toContain(
      'cannot be read',
    );
  });

  it('stops a file with too many rows', async () => {
    const text = `code,type\n${'A,smoke\n'.repeat(200_011)}`;
    const error = await readSheet({ bytes: Buffer.from(text), contentType: 'text/csv' }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'payload_too_large' });
  });
});
