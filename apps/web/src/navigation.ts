import type { Role } from '@jiedao/contracts';

/** Pages that exist today. Modules not yet built have no entry here — no placeholder pages. */
export type PageKey =
  | 'console'
  | 'screen'
  | 'tasks'
  | 'map'
  | 'facilities'
  | 'report'
  | 'myReports'
  | 'devices'
  | 'sources'
  | 'kpis'
  | 'profile'
  | 'audit';

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
/** The command center (一体化指挥中心): dispatchers, and the subdistrict's administrator who runs it. */
const COMMAND_ROLES: readonly Role[] = ['dispatcher', 'tenant_admin'];
/** Those who receive sub-tasks: grid workers (全科网格) and the departments' staff. */
const HANDLER_ROLES: readonly Role[] = ['grid_worker', 'department_staff'];
const RESIDENT_ROLES: readonly Role[] = ['resident'];

function page(key: PageKey, path: string, allowed: PageRule['allowed']): PageRule {
  return { key, path, labelKey: `nav.${key}`, testId: `nav-${key}`, allowed };
}

/**
 * The single source of truth for who may see which page, in menu order. Work pages come first, so
 * each role lands on its own: dispatchers on the console, grid workers and department staff on their
 * tasks, residents (whose first page is the shared map) find 我要报事 right after it.
 */
const PAGES: readonly PageRule[] = [
  page('console', '/console', COMMAND_ROLES),
  page('screen', '/screen', COMMAND_ROLES),
  page('tasks', '/tasks', HANDLER_ROLES),
  page('map', '/map', 'signed-in'),
  page('facilities', '/facilities', 'signed-in'),
  page('report', '/report', RESIDENT_ROLES),
  page('myReports', '/my-reports', RESIDENT_ROLES),
  page('devices', '/devices', COMMAND_ROLES),
  page('sources', '/sources', COMMAND_ROLES),
  page('kpis', '/kpis', COMMAND_ROLES),
  page('profile', '/profile', 'signed-in'),
  page('audit', '/audit', ADMIN_ROLES),
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
