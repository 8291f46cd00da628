/**
 * The unified social credit code (统一社会信用代码, GB 32100-2015) of an employer, enterprise or other
 * organisation: 18 characters from 0–9 and the capitals without I, O, S, V and Z —
 *
 * 1. registration authority (1 机构编制, 5 民政, 9 工商, Y 其他 …),
 * 2. organisation category under it,
 * 3–8. the administrative region (GB/T 2260),
 * 9–17. the organisation code (GB 11714: 8 characters and its own check character),
 * 18. the check character: the weighted sum of the first 17 values (weights 3^i mod 31) mod 31.
 */

/** Which rule a rejected code failed, in the order they are checked. */
export type UsccCheck = 'length' | 'characters' | 'organisation_code' | 'check_character';

export type UsccResult =
  | { ok: true; code: string; regionCode: string; organisationCode: string }
  | { ok: false; check: UsccCheck; message: string; messageZh: string };

const CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;
const ORGANISATION_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2] as const;
const SHAPE = /^[0-9A-HJ-NPQRTUWXY]{18}$/;

function valueOf(character: string): number {
  return CHARSET.indexOf(character);
}

/** The check character for the first 17 characters of a code. */
export function usccCheckCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += valueOf(first17[i]!) * WEIGHTS[i]!;
  return CHARSET[(31 - (sum % 31)) % 31]!;
}

/** GB 11714: the organisation code's check character for its first 8 characters (0–9, A–Z). */
export function organisationCheckCharacter(first8: string): string {
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    const character = first8[i]!;
    const value = /[0-9]/.test(character) ? Number(character) : character.charCodeAt(0) - 55;
    sum += value * ORGANISATION_WEIGHTS[i]!;
  }
  const check = 11 - (sum % 11);
  return check === 10 ? 'X' : check === 11 ? '0' : String(check);
}

/** Checks a code as typed (spaces trimmed, letters upper-cased) and names the first rule it breaks. */
export function checkUscc(input: string): UsccResult {
  const code = input.trim().toUpperCase();
  if (code.length !== 18)
    return {
      ok: false,
      check: 'length',
      message: `A unified social credit code has 18 characters; this one has ${code.length}`,
      messageZh: `统一社会信用代码应为 18 位，当前为 ${code.length} 位`,
    };
  if (!SHAPE.test(code))
    return {
      ok: false,
      check: 'characters',
      message: 'Only digits and capital letters other than I, O, S, V and Z are allowed',
      messageZh: '只能包含数字和除 I、O、S、V、Z 以外的大写字母',
    };
  const organisationCode = code.slice(8, 17);
  if (organisationCheckCharacter(organisationCode) !== organisationCode[8])
    return {
      ok: false,
      check: 'organisation_code',
      message: 'Characters 9–17 (the organisation code) do not check out',
      messageZh: '第 9–17 位（组织机构代码）校验不通过',
    };
  if (usccCheckCharacter(code) !== code[17])
    return {
      ok: false,
      check: 'check_character',
      message: 'The last character (the check character) does not match; please check the code for a typo',
      messageZh: '校验码（最后一位）不符，请核对是否输错',
    };
  return { ok: true, code, regionCode: code.slice(2, 8), organisationCode };
}

/**
 * A well-formed code from its parts (for demo data and tests): authority and category, a 6-digit
 * region and 8 organisation characters; both check characters are computed.
 */
export function makeUscc(parts: { prefix: string; regionCode: string; organisation8: string }): string {
  const organisation = `${parts.organisation8}${organisationCheckCharacter(parts.organisation8)}`;
  const first17 = `${parts.prefix}${parts.regionCode}${organisation}`;
  return `${first17}${usccCheckCharacter(first17)}`;
}
