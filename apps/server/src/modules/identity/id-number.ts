/**
 * Validation of mainland China resident identity numbers (GB 11643-1999, 公民身份号码).
 *
 * Layout of the 18 characters: 6-digit administrative region code (GB/T 2260), 8-digit birth date
 * YYYYMMDD, 3-digit sequence code whose last digit is odd for men and even for women, and an
 * ISO 7064 MOD 11-2 check character (0–9 or X).
 */
import { localDate } from '../../platform/local-date.js';

/** Which rule a rejected number failed, in the order they are checked. */
export type ResidentIdCheck = 'length' | 'format' | 'region' | 'birth_date' | 'check_digit';

/** A number that passed every check, with the facts encoded in it. */
export interface ValidResidentIdNumber {
  ok: true;
  /** Normalised number: trimmed, check character upper-case. */
  idNumber: string;
  /** First six digits: the region where the number was issued. */
  regionCode: string;
  /** YYYY-MM-DD. */
  birthDate: string;
  sex: 'male' | 'female';
}

/** A rejected number: the first failed check and bilingual messages suitable for showing to the user. */
export interface InvalidResidentIdNumber {
  ok: false;
  check: ResidentIdCheck;
  message: string;
  messageZh: string;
}

/** Result of {@link checkResidentIdNumber}. */
export type ResidentIdNumberCheck = ValidResidentIdNumber | InvalidResidentIdNumber;

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
// Index is (weighted sum mod 11); value is the check character that makes the full MOD 11-2 sum ≡ 1.
const CHECK_CHARACTERS = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'] as const;

/** Province-level codes of GB/T 2260 (first two digits of a region code). */
const PROVINCE_CODES: ReadonlySet<string> = new Set([
  ...['11', '12', '13', '14', '15'],
  ...['21', '22', '23'],
  ...['31', '32', '33', '34', '35', '36', '37'],
  ...['41', '42', '43', '44', '45', '46'],
  ...['50', '51', '52', '53', '54'],
  ...['61', '62', '63', '64', '65'],
  ...['71', '81', '82'],
]);

/**
 * Residence permits for Hong Kong, Macao and Taiwan residents (港澳台居民居住证, issued since 2018) use
 * the whole-region codes 810000, 820000 and 830000, which the prefecture/county rule would otherwise reject.
 */
const RESIDENCE_PERMIT_REGION_CODES: ReadonlySet<string> = new Set(['810000', '820000', '830000']);

const EARLIEST_BIRTH_DATE = '1900-01-01';

function fail(check: ResidentIdCheck, message: string, messageZh: string): InvalidResidentIdNumber {
  return { ok: false, check, message, messageZh };
}

/**
 * Computes the ISO 7064 MOD 11-2 check character for the first 17 digits.
 * @throws TypeError if `first17` is not exactly 17 ASCII digits.
 */
export function computeCheckDigit(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new TypeError('computeCheckDigit expects exactly 17 digits');
  let sum = 0;
  for (let i = 0; i < 17; i += 1) sum += Number(first17[i]) * (WEIGHTS[i] ?? 0);
  return CHECK_CHARACTERS[sum % 11] ?? 'X';
}

/** True when `region` is a plausible GB/T 2260 county-level code: real province, non-zero prefecture and county. */
function isValidRegionCode(region: string): boolean {
  if (RESIDENCE_PERMIT_REGION_CODES.has(region)) return true;
  return PROVINCE_CODES.has(region.slice(0, 2)) && region.slice(2, 4) !== '00' && region.slice(4, 6) !== '00';
}

/** Formats YYYYMMDD as YYYY-MM-DD if it is a real Gregorian calendar date, else undefined. */
function parseCompactDate(compact: string): string | undefined {
  const year = Number(compact.slice(0, 4));
  const month = Number(compact.slice(4, 6));
  const day = Number(compact.slice(6, 8));
  // Dates roll 02-30 over to 03-02, so comparing the parts back catches impossible dates. setUTCFullYear,
  // unlike Date.UTC, does not map years 0–99 to 1900–1999.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    return undefined;
  }
  return `${compact.slice(0, 4)}-${compact.slice(4, 6)}-${compact.slice(6, 8)}`;
}

/**
 * Validates an 18-character resident ID number, checking in order: length, format (17 digits then a
 * digit or X; lower-case x accepted), region code, birth date (real, not in the future relative to
 * `today` in China time, not before 1900-01-01) and the MOD 11-2 check character. Surrounding whitespace is ignored.
 * Legacy 15-digit numbers are rejected: they expired in 2013.
 */
export function checkResidentIdNumber(raw: string, today: Date = new Date()): ResidentIdNumberCheck {
  const trimmed = raw.trim();

  const length = Array.from(trimmed).length;
  if (length !== 18) {
    return fail(
      'length',
      `ID number must be 18 characters, got ${length}`,
      `身份证号码应为18位，实际为${length}位`,
    );
  }
  if (!/^\d{17}[\dXx]$/.test(trimmed)) {
    return fail(
      'format',
      'ID number must be 17 digits followed by a digit or X',
      '身份证号码前17位应为数字，最后一位应为数字或X',
    );
  }
  // Upper-casing only after the format check: toUpperCase can change the length of non-ASCII input.
  const idNumber = trimmed.toUpperCase();

  const regionCode = idNumber.slice(0, 6);
  if (!isValidRegionCode(regionCode)) {
    return fail('region', `region code ${regionCode} is not a valid region`, `地区码${regionCode}无效`);
  }

  const compactDate = idNumber.slice(6, 14);
  const birthDate = parseCompactDate(compactDate);
  if (birthDate === undefined) {
    return fail(
      'birth_date',
      `birth date ${compactDate} is not a real date`,
      `出生日期${compactDate}不是有效日期`,
    );
  }
  if (birthDate < EARLIEST_BIRTH_DATE) {
    return fail(
      'birth_date',
      `birth date ${birthDate} is before 1900-01-01`,
      `出生日期${birthDate}早于1900年1月1日`,
    );
  }
  // ISO dates compare correctly as strings.
  if (birthDate > localDate(today)) {
    return fail('birth_date', `birth date ${birthDate} is in the future`, `出生日期${birthDate}晚于今天`);
  }

  const expected = computeCheckDigit(idNumber.slice(0, 17));
  const actual = idNumber.slice(17);
  if (actual !== expected) {
    return fail(
      'check_digit',
      `check digit should be ${expected}, got ${actual}`,
      `校验码应为${expected}，实际为${actual}`,
    );
  }

  return {
    ok: true,
    idNumber,
    regionCode,
    birthDate,
    sex: Number(idNumber[16]) % 2 === 1 ? 'male' : 'female',
  };
}

/** Inputs for {@link makeResidentIdNumber}. */
export interface MakeResidentIdNumberOptions {
  /** Six-digit region code; defaults to 330106 (Xihu District, Hangzhou). */
  regionCode?: string;
  /** YYYY-MM-DD; must be a real date. */
  birthDate: string;
  /** Sequence code 0–999 (three digits, zero-padded). */
  sequence: number;
  /**
   * When given, the sequence's last digit is adjusted to match (odd = male, even = female) by flipping its
   * lowest bit, which keeps it within 0–999. When omitted, sex follows from the sequence.
   */
  sex?: 'male' | 'female';
}

/**
 * Builds a well-formed ID number with a correct check character, for demo data and tests.
 * The result passes {@link checkResidentIdNumber} whenever the region code and birth date would.
 * @throws TypeError on a malformed region code, birth date or sequence.
 */
export function makeResidentIdNumber(options: MakeResidentIdNumberOptions): string {
  const { regionCode = '330106', birthDate, sex } = options;
  let { sequence } = options;
  if (!/^\d{6}$/.test(regionCode)) throw new TypeError(`regionCode must be 6 digits, got "${regionCode}"`);
  const dateMatch = /^(\d{4})-(\d{2})-(\d{2})$/.exec(birthDate);
  const compactDate = dateMatch ? `${dateMatch[1]}${dateMatch[2]}${dateMatch[3]}` : '';
  if (!dateMatch || parseCompactDate(compactDate) === undefined) {
    throw new TypeError(`birthDate must be a real YYYY-MM-DD date, got "${birthDate}"`);
  }
  if (!Number.isInteger(sequence) || sequence < 0 || sequence > 999) {
    throw new TypeError(`sequence must be an integer 0–999, got ${sequence}`);
  }
  if (sex !== undefined && (sequence % 2 === 1) !== (sex === 'male')) sequence ^= 1;
  const first17 = `${regionCode}${compactDate}${String(sequence).padStart(3, '0')}`;
  return first17 + computeCheckDigit(first17);
}
