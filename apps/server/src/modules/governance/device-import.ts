import { Readable } from 'node:stream';
import {
  DEVICE_IMPORT_FIELD_ZH,
  DEVICE_TYPE_ZH,
  DEVICE_TYPES,
  type DeviceImportField,
  type DeviceType,
} from '@jiedao/contracts/constants';
import ExcelJS from 'exceljs';
import { AppError } from '../../platform/errors.js';
import { XLSX_CONTENT_TYPE } from '../../platform/export/xlsx.js';

/**
 * Reading and checking a device register (设备台账) file, without the database: the file's bytes
 * become rows of text, the header names the columns, and every row is checked field by field. What
 * needs the tenant's data — buildings, grids, codes already registered — is resolved by the service
 * (devices.service.ts) with the helpers at the end of this file.
 */

export const MAX_IMPORT_BYTES = 20 * 1024 * 1024;
export const MAX_IMPORT_ROWS = 200_000;
/** More errors than this are summarised: a wholly wrong file should not answer with megabytes. */
export const MAX_LISTED_ERRORS = 1_000;
/** A device given both a building and a point farther than this from the building is a typo. */
export const MAX_BUILDING_DISTANCE_M = 500;

export interface ImportRowError {
  /** 1-based row number as the sheet shows it (the header is usually row 1). */
  row: number;
  field: string;
  message: string;
  /** The same in Chinese, for the staff who fix the sheet. */
  messageZh: string;
}

/** A problem said in English and in Chinese. */
export type Said = { en: string; zh: string };

const rowError = (row: number, field: string, said: Said): ImportRowError => ({
  row,
  field,
  message: said.en,
  messageZh: said.zh,
});

/** One row of the sheet as text, cells in column order. */
export interface SheetRow {
  row: number;
  cells: string[];
}

export type ImportField = DeviceImportField;

/**
 * Header texts accepted for each field, compared after `normalizeHeader`. Chinese headers are the
 * ones our own export writes, so an exported sheet can be edited and imported again (its other
 * columns — 社区, 网格, 状态 … — are ignored: they follow from the location or belong to the device).
 */
const HEADER_ALIASES: Record<ImportField, readonly string[]> = {
  code: ['code', 'devicecode', '设备编号', '设备编码', '编号'],
  type: ['type', 'devicetype', '类型', '设备类型'],
  name: ['name', 'devicename', '名称', '设备名称'],
  building: ['building', '楼栋', '楼宇', '建筑'],
  lng: ['lng', 'lon', 'longitude', '经度'],
  lat: ['lat', 'latitude', '纬度'],
  address: ['address', '地址', '安装地址', '安装位置'],
  installed_on: ['installedon', 'installdate', 'installed', '安装日期', '安装时间'],
  stream_url: ['streamurl', 'stream', '视频流地址', '视频流', '流地址'],
};

const FIELD_BY_HEADER = new Map<string, ImportField>(
  Object.entries(HEADER_ALIASES).flatMap(([field, aliases]) =>
    aliases.map((alias) => [alias, field as ImportField] as const),
  ),
);

/** Lower case, full-width folded (NFKC), without spaces, underscores, hyphens or a trailing colon. */
export function normalizeHeader(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s_\-:*]/g, '');
}

/**
 * The field a header cell names: the whole text, else one of its parts ("设备编号 Code",
 * "经度/lng", "名称（选填）").
 */
export function fieldOfHeader(text: string): ImportField | undefined {
  const whole = FIELD_BY_HEADER.get(normalizeHeader(text));
  if (whole) return whole;
  for (const part of text.split(/[\s/|()（）]+/)) {
    const field = FIELD_BY_HEADER.get(normalizeHeader(part));
    if (field) return field;
  }
  return undefined;
}

/**
 * Device types by their code or Chinese name, plus the words staff use in registers (烟感, 摄像头 …).
 */
const TYPE_ALIASES: Record<string, DeviceType> = {
  ...Object.fromEntries(DEVICE_TYPES.map((type) => [type, type])),
  ...Object.fromEntries(Object.entries(DEVICE_TYPE_ZH).map(([type, zh]) => [zh, type as DeviceType])),
  electricalfire: 'electrical_fire',
  烟感: 'smoke',
  烟雾探测器: 'smoke',
  燃气: 'gas',
  可燃气体探测器: 'gas',
  电气火灾: 'electrical_fire',
  水浸: 'water',
  井盖: 'manhole',
  消火栓: 'hydrant',
  摄像头: 'camera',
  摄像机: 'camera',
  监控: 'camera',
};

export function parseDeviceType(text: string): DeviceType | undefined {
  const key = text.normalize('NFKC').trim();
  return (
    TYPE_ALIASES[key] ??
    TYPE_ALIASES[key.toLowerCase().replace(/[\s-]/g, '_')] ??
    TYPE_ALIASES[key.replace(/\s/g, '')]
  );
}

/**
 * Device codes travel in MQTT topics (`jiedao/<tenant>/devices/<code>/<kind>`) and URLs, so they may
 * not contain `/`, MQTT wildcards or spaces.
 */
export const DEVICE_CODE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;

/** `YYYY-MM-DD` (also `YYYY/M/D`, `YYYY.M.D`, as Excel users type them) → `YYYY-MM-DD`, if a real date. */
export function parseDate(text: string): string | undefined {
  const match = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/.exec(text.trim());
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day)
    return undefined;
  return date.toISOString().slice(0, 10);
}

/** A device as one row of the file describes it, before its building and grid are resolved. */
export interface DeviceDraft {
  row: number;
  code: string;
  type: DeviceType;
  name: string | undefined;
  building: string | undefined;
  point: { lng: number; lat: number } | undefined;
  address: string | undefined;
  installedOn: string | undefined;
  streamUrl: string | undefined;
}

export interface ParsedSheet {
  drafts: DeviceDraft[];
  errors: ImportRowError[];
  /** Data rows below the header (blank rows not counted). */
  rows: number;
}

const HEADER_SEARCH_ROWS = 10;

/**
 * Finds the header (the first of the first rows that names a code column: registers often open with a
 * title line), maps the columns, and checks every data row on its own and against the other rows.
 */
export function parseDeviceSheet(
  rows: SheetRow[],
  today: string = new Date().toISOString().slice(0, 10),
): ParsedSheet {
  const nonEmpty = rows.filter((row) => row.cells.some((cell) => cell.trim() !== ''));
  const headerIndex = nonEmpty
    .slice(0, HEADER_SEARCH_ROWS)
    .findIndex((row) => row.cells.some((cell) => fieldOfHeader(cell) === 'code'));
  if (headerIndex < 0) {
    return {
      drafts: [],
      rows: 0,
      errors: [
        rowError(nonEmpty[0]?.row ?? 1, 'code', {
          en: 'no header row with a 设备编号 (code) column was found in the first rows',
          zh: '前几行中没有找到含“设备编号”列的表头',
        }),
      ],
    };
  }
  const header = nonEmpty[headerIndex]!;
  const errors: ImportRowError[] = [];
  const columns = new Map<ImportField, number>();
  header.cells.forEach((cell, index) => {
    const field = fieldOfHeader(cell);
    if (!field) return;
    if (columns.has(field)) {
      const other = header.cells[columns.get(field)!];
      errors.push(
        rowError(header.row, field, {
          en: `two columns name ${field}: "${other}" and "${cell}"`,
          zh: `有两列都是${DEVICE_IMPORT_FIELD_ZH[field]}：“${other}”和“${cell}”`,
        }),
      );
      return;
    }
    columns.set(field, index);
  });
  if (!columns.has('type'))
    errors.push(
      rowError(header.row, 'type', { en: 'the header has no 类型 (type) column', zh: '表头缺少“类型”列' }),
    );
  if (columns.has('lng') !== columns.has('lat'))
    errors.push(
      rowError(header.row, columns.has('lng') ? 'lat' : 'lng', {
        en: '经度 (lng) and 纬度 (lat) columns go together',
        zh: '“经度”和“纬度”两列须同时提供',
      }),
    );
  const data = nonEmpty.slice(headerIndex + 1);
  if (data.length > MAX_IMPORT_ROWS) throw tooManyRows();
  if (errors.length > 0) return { drafts: [], errors, rows: data.length };
  if (data.length === 0)
    return {
      drafts: [],
      rows: 0,
      errors: [
        rowError(header.row + 1, 'code', {
          en: 'there are no device rows below the header',
          zh: '表头下方没有设备数据行',
        }),
      ],
    };

  const drafts: DeviceDraft[] = [];
  const firstRowOfCode = new Map<string, number>();
  for (const row of data) {
    const cell = (field: ImportField) => {
      const index = columns.get(field);
      return index === undefined ? '' : (row.cells[index] ?? '').trim();
    };
    const problem = (field: ImportField, en: string, zh: string) =>
      errors.push(rowError(row.row, field, { en, zh }));
    const empty = (field: ImportField) => problem(field, 'is empty', `${DEVICE_IMPORT_FIELD_ZH[field]}为空`);
    const tooLong = (field: ImportField, limit: number) =>
      problem(
        field,
        `is longer than ${limit} characters`,
        `${DEVICE_IMPORT_FIELD_ZH[field]}超过 ${limit} 个字符`,
      );
    const before = errors.length;

    const code = cell('code');
    if (!code) empty('code');
    else if (!DEVICE_CODE_PATTERN.test(code))
      problem(
        'code',
        `"${code}" may hold only letters, digits and . _ : - (at most 64, no spaces or /)`,
        `“${code}”只能包含字母、数字和 . _ : -（最多 64 个字符，不能有空格或 /）`,
      );
    else {
      const first = firstRowOfCode.get(code);
      if (first !== undefined)
        problem('code', `"${code}" appears already in row ${first}`, `“${code}”已在第 ${first} 行出现`);
      else firstRowOfCode.set(code, row.row);
    }

    const typeText = cell('type');
    const type = typeText ? parseDeviceType(typeText) : undefined;
    if (!typeText) empty('type');
    else if (!type)
      problem(
        'type',
        `"${typeText}" is not a device type (${DEVICE_TYPES.join(', ')} or their Chinese names)`,
        `“${typeText}”不是设备类型（可填：${Object.values(DEVICE_TYPE_ZH).join('、')}）`,
      );

    const name = cell('name');
    if (name.length > 100) tooLong('name', 100);
    const building = cell('building');
    if (building.length > 300) tooLong('building', 300);
    const address = cell('address');
    if (address.length > 300) tooLong('address', 300);

    let point: DeviceDraft['point'];
    const lngText = cell('lng');
    const latText = cell('lat');
    if (lngText || latText) {
      const lng = Number(lngText);
      const lat = Number(latText);
      if (!lngText) problem('lng', 'is empty while 纬度 (lat) is given', '填了纬度却没有经度');
      else if (!Number.isFinite(lng) || lng < -180 || lng > 180)
        problem(
          'lng',
          `"${lngText}" is not a longitude between -180 and 180`,
          `“${lngText}”不是 -180 到 180 之间的经度`,
        );
      if (!latText) problem('lat', 'is empty while 经度 (lng) is given', '填了经度却没有纬度');
      else if (!Number.isFinite(lat) || lat < -90 || lat > 90)
        problem(
          'lat',
          `"${latText}" is not a latitude between -90 and 90`,
          `“${latText}”不是 -90 到 90 之间的纬度`,
        );
      if (lngText && latText && Number.isFinite(lng) && Number.isFinite(lat)) point = { lng, lat };
    }
    if (!building && !lngText && !latText)
      problem(
        'building',
        'give a 楼栋 (building) or a 经度 and 纬度 (lng, lat)',
        '请填写楼栋，或填写经度和纬度',
      );

    const installedText = cell('installed_on');
    const installedOn = installedText ? parseDate(installedText) : undefined;
    if (installedText && !installedOn)
      problem(
        'installed_on',
        `"${installedText}" is not a date YYYY-MM-DD`,
        `“${installedText}”不是 YYYY-MM-DD 格式的日期`,
      );
    else if (installedOn && installedOn > today)
      problem('installed_on', `${installedOn} is in the future`, `安装日期 ${installedOn} 晚于今天`);

    const streamUrl = cell('stream_url');
    if (streamUrl) {
      if (type && type !== 'camera')
        problem('stream_url', 'only cameras have a video stream', '只有摄像头才有视频流地址');
      else if (!/^(rtsp|rtsps|rtmp|https?):\/\/\S+$/i.test(streamUrl) || streamUrl.length > 500)
        problem(
          'stream_url',
          'must be an rtsp://, rtmp:// or http(s):// URL of at most 500 characters',
          '须为 rtsp://、rtmp:// 或 http(s):// 开头的地址，最多 500 个字符',
        );
    }

    if (errors.length === before)
      drafts.push({
        row: row.row,
        code,
        type: type!,
        name: name || undefined,
        building: building || undefined,
        point,
        address: address || undefined,
        installedOn,
        streamUrl: streamUrl || undefined,
      });
  }
  return { drafts, errors, rows: data.length };
}

/** Keeps the first `MAX_LISTED_ERRORS` errors in row order and says how many more there were. */
export function capErrors(errors: ImportRowError[]): ImportRowError[] {
  const sorted = [...errors].sort((a, b) => a.row - b.row);
  if (sorted.length <= MAX_LISTED_ERRORS) return sorted;
  const rest = sorted.length - MAX_LISTED_ERRORS;
  const next = sorted[MAX_LISTED_ERRORS]!;
  return [
    ...sorted.slice(0, MAX_LISTED_ERRORS),
    rowError(next.row, '*', {
      en: `and ${rest} more error(s) from this row on, not listed`,
      zh: `从这一行起还有 ${rest} 处错误未列出`,
    }),
  ];
}

// ——— Reading the file ———

const XLSX_TYPES = new Set([XLSX_CONTENT_TYPE]);
/** What browsers and tools send for a .csv: Windows labels it as Excel's, some send nothing useful. */
const CSV_TYPES = new Set([
  'text/csv',
  'text/plain',
  'application/csv',
  'text/comma-separated-values',
  'application/vnd.ms-excel',
  'application/octet-stream',
  '',
]);

const isZip = (bytes: Buffer) => bytes.length >= 4 && bytes.readUInt32BE(0) === 0x504b0304;
const isOle = (bytes: Buffer) => bytes.length >= 4 && bytes.readUInt32BE(0) === 0xd0cf11e0;

/**
 * The rows of a .xlsx (first worksheet) or .csv file. The bytes decide the format — a zip is a
 * workbook, whatever the upload was labelled — and the content type only rules out other files.
 * Limits: 20 MB and 200,000 rows; beyond them a clear 413 rather than a slow, memory-hungry import.
 */
export async function readSheet(file: { bytes: Buffer; contentType: string }): Promise<SheetRow[]> {
  if (file.bytes.length > MAX_IMPORT_BYTES)
    throw new AppError(
      'payload_too_large',
      `The file is ${(file.bytes.length / 1024 / 1024).toFixed(1)} MB; a device import takes at most 20 MB — split it`,
    );
  const contentType = file.contentType.split(';')[0]!.trim().toLowerCase();
  if (isOle(file.bytes))
    throw new AppError(
      'unsupported_media_type',
      'This is an old Excel 97–2003 (.xls) file; save it as .xlsx or CSV UTF-8 and import that',
    );
  if (isZip(file.bytes)) return readXlsx(file.bytes);
  if (XLSX_TYPES.has(contentType))
    throw new AppError('validation_failed', 'The file is labelled .xlsx but is not an Excel workbook', {
      errors: [{ field: '/file', message: 'not a .xlsx workbook' }],
    });
  if (!CSV_TYPES.has(contentType))
    throw new AppError('unsupported_media_type', `Import a .xlsx or .csv file, not ${contentType}`);
  return parseCsv(decodeText(file.bytes));
}

/**
 * Counts non-blank rows while a file is read and stops the reading past the limit (one header and
 * the title lines above it are allowed on top), before the rest of a huge file is parsed.
 */
function rowLimit() {
  let filled = 0;
  return {
    count(cells: string[]) {
      if (!cells.some((cell) => cell.trim() !== '')) return;
      if (++filled > MAX_IMPORT_ROWS + HEADER_SEARCH_ROWS) throw tooManyRows();
    },
  };
}

function tooManyRows(): AppError {
  return new AppError(
    'payload_too_large',
    `The file has more than ${MAX_IMPORT_ROWS.toLocaleString('en')} device rows; split it into smaller files`,
  );
}

/** Text of one Excel cell, whatever exceljs made of it (rich text, formula results, dates …). */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  // Date cells: Excel stores a calendar date without a zone; exceljs hands it over as UTC midnight.
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if (Array.isArray(record.richText))
      return (record.richText as Array<{ text?: string }>).map((part) => part.text ?? '').join('');
    if ('result' in record) return cellText(record.result);
    if (typeof record.text === 'string') return record.text;
    if (typeof record.error === 'string') return record.error;
  }
  return '';
}

async function readXlsx(bytes: Buffer): Promise<SheetRow[]> {
  const rows: SheetRow[] = [];
  const limit = rowLimit();
  // The streaming reader stops at the first sheet and at the row limit without holding a whole
  // workbook model in memory; styles are read so that date cells come out as dates.
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from(bytes), {
    worksheets: 'emit',
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    entries: 'ignore',
  });
  try {
    for await (const sheet of reader) {
      for await (const row of sheet) {
        const values = row.values as unknown[];
        // exceljs rows are 1-based: index 0 is always empty.
        const cells = values.slice(1).map(cellText);
        limit.count(cells);
        rows.push({ row: row.number, cells });
      }
      break;
    }
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError('validation_failed', `The workbook cannot be read: ${(error as Error).message}`, {
      errors: [{ field: '/file', message: 'not a readable .xlsx workbook' }],
    });
  }
  return rows;
}

/**
 * CSV bytes as text: UTF-8 with or without BOM, UTF-16 with BOM (Excel's "Unicode text"), otherwise
 * GB18030 — what Excel on a Chinese Windows writes as "CSV". Node's own TextDecoder (full ICU)
 * decodes GB18030, so no extra package is needed.
 */
export function decodeText(bytes: Buffer): string {
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf)
    return new TextDecoder('utf-8').decode(bytes.subarray(3));
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe)
    return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff)
    return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    try {
      return new TextDecoder('gb18030', { fatal: true }).decode(bytes);
    } catch {
      throw new AppError(
        'validation_failed',
        'The CSV file is neither UTF-8 nor GB18030 text; save it as "CSV UTF-8" and import again',
        { errors: [{ field: '/file', message: 'unknown text encoding' }] },
      );
    }
  }
}

/**
 * RFC 4180 CSV: quoted fields with "" escapes and line breaks inside, CRLF, LF or CR line ends. The
 * delimiter is a comma, or a tab when the first line has tabs and no comma (Excel's "Unicode text").
 * Each record is one sheet row, blank lines included, so row numbers match what Excel shows.
 */
export function parseCsv(text: string): SheetRow[] {
  const lineEnd = text.search(/\r|\n/);
  const firstLine = lineEnd < 0 ? text : text.slice(0, lineEnd);
  const delimiter = firstLine.includes('\t') && !firstLine.includes(',') ? '\t' : ',';
  const rows: SheetRow[] = [];
  const limit = rowLimit();
  let cells: string[] = [];
  let field = '';
  let quoted = false;
  // Whether the record has begun: a last line holding only `""` is a record with one empty cell.
  let started = false;
  const endRecord = () => {
    cells.push(field);
    limit.count(cells);
    rows.push({ row: rows.length + 1, cells });
    cells = [];
    field = '';
    started = false;
  };
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    if (quoted) {
      if (char !== '"') field += char;
      else if (text[index + 1] === '"') {
        field += '"';
        index++;
      } else quoted = false;
      continue;
    }
    if (char === '\r' || char === '\n') {
      endRecord();
      if (char === '\r' && text[index + 1] === '\n') index++;
      continue;
    }
    started = true;
    if (char === '"' && field === '') quoted = true;
    else if (char === delimiter) {
      cells.push(field);
      field = '';
    } else field += char;
  }
  if (started || quoted) endRecord();
  return rows;
}

// ——— Resolving buildings ———

export interface MatchableBuilding {
  id: string;
  name: string;
  address: string;
  gridId: string | null;
  communityId: string;
  lng: number;
  lat: number;
}

const squash = (text: string) => text.normalize('NFKC').replace(/\s+/g, '');

/**
 * Finds the building a register names: by exact name or address first; otherwise the building whose
 * name or address is the longest one contained in the text ("古荡新村12幢2单元" → 古荡新村12幢), as
 * the intake reads free-text addresses. Two different buildings with an equally good claim are
 * ambiguous: the row must say which (by address).
 */
export class BuildingMatcher {
  readonly #exact = new Map<string, MatchableBuilding[]>();
  readonly #candidates: Array<{ key: string; building: MatchableBuilding }> = [];

  constructor(buildings: readonly MatchableBuilding[]) {
    for (const building of buildings) {
      for (const key of new Set([squash(building.name), squash(building.address)])) {
        if (!key) continue;
        const list = this.#exact.get(key) ?? [];
        if (!list.includes(building)) list.push(building);
        this.#exact.set(key, list);
        this.#candidates.push({ key, building });
      }
    }
    // Longest first, so the first containing key is the best one.
    this.#candidates.sort((a, b) => b.key.length - a.key.length);
  }

  match(text: string): { building: MatchableBuilding } | { error: Said } {
    const wanted = squash(text);
    const exact = this.#exact.get(wanted);
    if (exact?.length === 1) return { building: exact[0]! };
    if (exact && exact.length > 1)
      return {
        error: {
          en: `"${text}" names ${exact.length} buildings; give the building's address instead`,
          zh: `“${text}”对应 ${exact.length} 栋楼，请改填楼栋地址`,
        },
      };
    let best: MatchableBuilding | undefined;
    let bestLength = 0;
    for (const { key, building } of this.#candidates) {
      if (key.length < bestLength) break;
      if (!wanted.includes(key)) continue;
      if (best && best !== building)
        return {
          error: {
            en: `"${text}" could be ${best.name} or ${building.name}; give the building's address`,
            zh: `“${text}”可能是${best.name}，也可能是${building.name}，请改填楼栋地址`,
          },
        };
      best = building;
      bestLength = key.length;
    }
    return best
      ? { building: best }
      : { error: { en: `no building "${text}" in this subdistrict`, zh: `本街道没有楼栋“${text}”` } };
  }
}
