/**
 * Money in the gig market is integer fen (1 yuan = 100 fen), as the API sends it. These helpers turn
 * fen into text and typed yuan back into fen with integer and string arithmetic only, so ¥0.10 + ¥0.20
 * never becomes ¥0.30000000000000004 on the way.
 */

function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** `1250` → `12.50`, `123456` → `1,234.56` (no currency sign; the sign of negative amounts kept). */
export function fenToYuanText(fen: number, grouped = true): string {
  const whole = Math.trunc(fen);
  const negative = whole < 0;
  const abs = Math.abs(whole);
  const yuan = String(Math.floor(abs / 100));
  const cents = String(abs % 100).padStart(2, '0');
  return `${negative ? '-' : ''}${grouped ? groupThousands(yuan) : yuan}.${cents}`;
}

/** `1250` → `¥12.50`; negative amounts as `−¥3.00` (a true minus sign). */
export function formatFen(fen: number): string {
  const text = fenToYuanText(Math.abs(Math.trunc(fen)));
  return fen < 0 && Math.trunc(fen) !== 0 ? `−¥${text}` : `¥${text}`;
}

/** Wallet entries: `+¥12.50` for money in, `−¥3.00` for money out, `¥0.00` for nothing. */
export function formatSignedFen(fen: number): string {
  const whole = Math.trunc(fen);
  if (whole === 0) return formatFen(0);
  return whole > 0 ? `+${formatFen(whole)}` : formatFen(whole);
}

const YUAN_PATTERN = /^(\d{1,9})(?:\.(\d{0,2}))?$/;
/** Thousands separators only where they belong: `1,200` yes, `12,5` no. */
const GROUPED_PATTERN = /^\d{1,3}(?:,\d{3})+(?:\.\d{0,2})?$/;

/**
 * What a person typed as yuan, in fen: `12` → 1200, `12.5` → 1250, `¥1,200.05` → 120005. `null` for
 * anything that is not a non-negative amount with at most two decimals (`12.345`, `-3`, `abc`, ``).
 */
export function parseYuan(text: string | null | undefined): number | null {
  if (text == null) return null;
  const trimmed = text.trim().replace(/^[¥￥]\s*/, '');
  if (trimmed.includes(',') && !GROUPED_PATTERN.test(trimmed)) return null;
  const cleaned = trimmed.replace(/,/g, '');
  const match = YUAN_PATTERN.exec(cleaned);
  if (!match) return null;
  const yuan = Number(match[1]);
  const cents = Number((match[2] ?? '').padEnd(2, '0'));
  return yuan * 100 + cents;
}

/** Sums fen amounts (integers), e.g. the holds of a contract's shifts. */
export function sumFen(amounts: readonly number[]): number {
  return amounts.reduce((total, amount) => total + Math.trunc(amount), 0);
}
