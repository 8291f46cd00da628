import type { Role } from '@jiedao/contracts';

/** Pages that exist today. Modules not yet built have no entry here — no placeholder pages. */
export type PageKey = 'map' | 'facilities' | 'profile' | 'audit';

export interface NavItem {
  key: PageKey;
  path: string;
  labelKey: `nav.${PageKey}`;
  testId: `nav-${PageKey}`;
}

interface PageRule extends NavItem {
  /** `'signed-in'`: any signed-in account; otherwise the account needs at least one of these roles. */
  allowed: 'signed-in' | readonly Role[];
}

const ADMIN_ROLES: readonly Role[] = ['tenant_admin', 'platform_admin'];

/** The single source of truth for who may see which page, in menu order. */
const PAGES: readonly PageRule[] = [
  { key: 'map', path: '/map', labelKey: 'nav.map', testId: 'nav-map', allowed: 'signed-in' },
  {
    key: 'facilities',
    path: '/facilities',
    labelKey: 'nav.facilities',
    testId: 'nav-facilities',
    allowed: 'signed-in',
  },
  { key: 'profile', path: '/profile', labelKey: 'nav.profile', testId: 'nav-profile', allowed: 'signed-in' },
  { key: 'audit', path: '/audit', labelKey: 'nav.audit', testId: 'nav-audit', allowed: ADMIN_ROLES },
];

function permits(rule: PageRule, roles: readonly Role[]): boolean {
  if (rule.allowed === 'signed-in') return true;
  const allowed = rule.allowed;
  return roles.some((role) => allowed.includes(role));
}

/** Navigation entries a signed-in account with these roles may use, in menu order. */
export function navigationFor(roles: readonly Role[]): NavItem[] {
  return PAGES.filter((rule) => permits(rule, roles)).map(({ key, path, labelKey, testId }) => ({
    key,
    path,
    labelKey,
    testId,
  }));
}

/** Whether the roles may open the page (used by the route guard for direct visits). */
export function canAccess(page: PageKey, roles: readonly Role[]): boolean {
  return navigationFor(roles).some((item) => item.key === page);
}

/** Where to land after sign-in when no page was asked for: the first page the roles may use. */
export function homePathFor(roles: readonly Role[]): string {
  return navigationFor(roles)[0]?.path ?? '/profile';
}

/** The navigation entry that a URL path belongs to, for highlighting the menu. */
export function pageForPath(pathname: string): PageKey | null {
  const match = PAGES.find((rule) => pathname === rule.path || pathname.startsWith(`${rule.path}/`));
  return match?.key ?? null;
}
