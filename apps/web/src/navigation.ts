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
  | 'audit'
  | 'gigWorker'
  | 'gigEmployer'
  | 'gigConsole';

export interface NavItem {
  key: PageKey;
  path: string;
  labelKey: `nav.${PageKey}`;
  testId: `nav-${PageKey}`;
}

interface PageRule extends NavItem {
  /** `'signed-in'`: any signed-in account; otherwise the account needs at least one of these roles. */
  allowed: 'signed-in' | readonly Role[];
  /**
   * Who may open the page by its URL without seeing it in the menu, when that is wider than `allowed`:
   * the gig market's worker and employer pages register anyone signed in who comes to them.
   */
  reachable?: 'signed-in';
  /** Roles whose first page this is even when it comes later in the menu (the sign-in landing). */
  homeFor?: readonly Role[];
}

const ADMIN_ROLES: readonly Role[] = ['tenant_admin', 'platform_admin'];
/** The command center (一体化指挥中心): dispatchers, and the subdistrict's administrator who runs it. */
const COMMAND_ROLES: readonly Role[] = ['dispatcher', 'tenant_admin'];
/** Those who receive sub-tasks: grid workers (全科网格) and the departments' staff. */
const HANDLER_ROLES: readonly Role[] = ['grid_worker', 'department_staff'];
const RESIDENT_ROLES: readonly Role[] = ['resident'];
/** Those who run the gig market (零工市场): its operator, and the subdistrict's administrator. */
const GIG_OPERATOR_ROLES: readonly Role[] = ['market_operator', 'tenant_admin'];

function page(
  key: PageKey,
  path: string,
  allowed: PageRule['allowed'],
  extra: Pick<PageRule, 'reachable' | 'homeFor'> = {},
): PageRule {
  return { key, path, labelKey: `nav.${key}`, testId: `nav-${key}`, allowed, ...extra };
}

/**
 * The single source of truth for who may see which page, in menu order. Work pages come first, so
 * each role lands on its own: dispatchers on the console, grid workers and department staff on their
 * tasks, residents (whose first page is the shared map) find 我要报事 right after it. The gig market:
 * residents see 零工 (to register) after their report pages, workers and employers land on theirs,
 * and its operator on the market console.
 */
const PAGES: readonly PageRule[] = [
  page('console', '/console', COMMAND_ROLES),
  page('screen', '/screen', COMMAND_ROLES),
  page('tasks', '/tasks', HANDLER_ROLES),
  page('map', '/map', 'signed-in'),
  page('facilities', '/facilities', 'signed-in'),
  page('report', '/report', RESIDENT_ROLES),
  page('myReports', '/my-reports', RESIDENT_ROLES),
  page('gigWorker', '/gig/worker', ['worker', 'resident'], { reachable: 'signed-in', homeFor: ['worker'] }),
  page('gigEmployer', '/gig/employer', ['employer'], { reachable: 'signed-in', homeFor: ['employer'] }),
  page('devices', '/devices', COMMAND_ROLES),
  page('sources', '/sources', COMMAND_ROLES),
  page('kpis', '/kpis', COMMAND_ROLES),
  page('gigConsole', '/gig/console', GIG_OPERATOR_ROLES, { homeFor: ['market_operator'] }),
  page('profile', '/profile', 'signed-in'),
  page('audit', '/audit', ADMIN_ROLES),
];

function permits(rule: PageRule, roles: readonly Role[]): boolean {
  if (rule.allowed === 'signed-in') return true;
  const allowed = rule.allowed;
  return roles.some((role) => allowed.includes(role));
}

function toItem({ key, path, labelKey, testId }: PageRule): NavItem {
  return { key, path, labelKey, testId };
}

/** Navigation entries a signed-in account with these roles may use, in menu order. */
export function navigationFor(roles: readonly Role[]): NavItem[] {
  return PAGES.filter((rule) => permits(rule, roles)).map(toItem);
}

/** Whether the roles may open the page (used by the route guard for direct visits). */
export function canAccess(page: PageKey, roles: readonly Role[]): boolean {
  const rule = PAGES.find((candidate) => candidate.key === page);
  if (!rule) return false;
  return rule.reachable === 'signed-in' || permits(rule, roles);
}

/**
 * Where to land after sign-in when no page was asked for: the first page the roles may use, unless
 * that is a page everyone has (the map) and some role calls another page home (a worker's feed, an
 * employer's jobs, the market operator's console).
 */
export function homePathFor(roles: readonly Role[]): string {
  const allowed = PAGES.filter((rule) => permits(rule, roles));
  const first = allowed[0];
  if (first && first.allowed !== 'signed-in') return first.path;
  const home = allowed.find((rule) => rule.homeFor?.some((role) => roles.includes(role)));
  return (home ?? first)?.path ?? '/profile';
}

/** The navigation entry that a URL path belongs to, for highlighting the menu. */
export function pageForPath(pathname: string): PageKey | null {
  const match = PAGES.find((rule) => pathname === rule.path || pathname.startsWith(`${rule.path}/`));
  return match?.key ?? null;
}
