// Masking keeps enough for a person to recognise their own data on screen while hiding what identifies them.
// Counting is by code point (Array.from), so rare surnames outside the BMP are not split into half surrogates.

function maskMiddle(value: string, keepStart: number, keepEnd: number): string {
  const chars = Array.from(value);
  // Too short to keep both ends without revealing nearly everything: hide it all.
  if (chars.length <= keepStart + keepEnd) return '*'.repeat(chars.length);
  return (
    chars.slice(0, keepStart).join('') +
    '*'.repeat(chars.length - keepStart - keepEnd) +
    chars.slice(chars.length - keepEnd).join('')
  );
}

/**
 * Masks a resident ID number, keeping the first 6 (region) and last 4 characters:
 * `330106199001011234` → `330106********1234`; 15-digit legacy numbers get 5 stars.
 * Values of 10 characters or fewer are masked entirely. null/undefined pass through.
 */
export function maskIdNumber(value: string): string;
export function maskIdNumber<T extends null | undefined>(value: T): T;
export function maskIdNumber(value: string | null | undefined): string | null | undefined;
export function maskIdNumber(value: string | null | undefined): string | null | undefined {
  if (value === null || value === undefined) return value;
  return maskMiddle(value.trim(), 6, 4);
}

/**
 * Masks a mobile number, keeping the first 3 and last 4 digits: `13812345678` → `138****5678`.
 * Values of 7 characters or fewer are masked entirely. null/undefined pass through.
 */
export function maskPhone(value: string): string;
export function maskPhone<T extends null | undefined>(value: T): T;
export function maskPhone(value: string | null | undefined): string | null | undefined;
export function maskPhone(value: string | null | undefined): string | null | undefined {
  if (value === null || value === undefined) return value;
  return maskMiddle(value.trim(), 3, 4);
}

/**
 * Masks a personal name, keeping the first character and, for names of 3+ characters, the last:
 * `张三` → `张*`, `欧阳娜娜` → `欧**娜`. A single-character name becomes `*`, since keeping it would
 * reveal the whole name. null/undefined pass through.
 */
export function maskName(value: string): string;
export function maskName<T extends null | undefined>(value: T): T;
export function maskName(value: string | null | undefined): string | null | undefined;
export function maskName(value: string | null | undefined): string | null | undefined {
  if (value === null || value === undefined) return value;
  const chars = Array.from(value.trim());
  if (chars.length <= 1) return '*'.repeat(chars.length);
  if (chars.length === 2) return `${chars[0] ?? ''}*`;
  return maskMiddle(chars.join(''), 1, 1);
}
