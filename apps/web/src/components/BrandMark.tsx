import { BRAND } from '../theme';

/** The Jiedao mark: a civic building on a street line. Decorative (the product name is always next to it). */
export function BrandMark({ size = 32 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 64 64" aria-hidden="true" focusable="false">
      <rect width="64" height="64" rx="14" fill={BRAND} />
      <path
        d="M14 44h36M20 44V26l12-8 12 8v18M28 44V34h8v10"
        fill="none"
        stroke="#fff"
        strokeWidth="4"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </svg>
  );
}
