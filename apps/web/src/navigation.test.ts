import type { Role } from '@jiedao/contracts';
import { describe, expect, it } from 'vitest';
import { ROLES } from './domain';
import { canAccess, homePathFor, navigationFor, pageForPath } from './navigation';

const keys = (roles: Role[]) => navigationFor(roles).map((item) => item.key);

describe('navigationFor', () => {
  it('gives a resident the map, facilities, the report pages, the gig market and profile', () => {
    expect(keys(['resident'])).toEqual(['map', 'facilities', 'report', 'myReports', 'gigWorker', 'profile']);
  });

  it('gives workers, employers and the market operator their gig pages', () => {
    expect(keys(['worker'])).toEqual(['map', 'facilities', 'gigWorker', 'profile']);
    expect(keys(['employer'])).toEqual(['map', 'facilities', 'gigEmployer', 'profile']);
    expect(keys(['market_operator'])).toEqual(['map', 'facilities', 'gigConsole', 'profile']);
    expect(keys(['resident', 'worker', 'employer'])).toEqual([
      'map',
      'facilities',
      'report',
      'myReports',
      'gigWorker',
      'gigEmployer',
      'profile',
    ]);
  });

  it('gives a dispatcher the command center: console, screen, devices, sources, KPIs', () => {
    expect(keys(['dispatcher'])).toEqual([
      'console',
      'screen',
      'map',
      'facilities',
      'devices',
      'sources',
      'kpis',
      'profile',
    ]);
  });

  it('gives the tenant administrator the command center, the gig console and the access audit', () => {
    expect(keys(['tenant_admin'])).toEqual([
      'console',
      'screen',
      'map',
      'facilities',
      'devices',
      'sources',
      'kpis',
      'gigConsole',
      'profile',
      'audit',
    ]);
  });

  it('gives grid workers and department staff their tasks, and nothing of the command center', () => {
    for (const role of ['grid_worker', 'department_staff'] as const) {
      expect(keys([role]), role).toEqual(['tasks', 'map', 'facilities', 'profile']);
    }
  });

  it('keeps the platform administrator out of the subdistrict’s command center', () => {
    expect(keys(['platform_admin'])).toEqual(['map', 'facilities', 'profile', 'audit']);
  });

  it('shows the audit when any one of several roles allows it, each page once', () => {
    const combined = keys(['resident', 'grid_worker', 'tenant_admin']);
    expect(combined).toContain('audit');
    expect(combined).toContain('tasks');
    expect(combined).toContain('report');
    expect(new Set(combined).size).toBe(combined.length);
  });

  it('hides the audit from every non-admin role and the console from everyone but the command center', () => {
    for (const role of ROLES) {
      const pages = keys([role]);
      if (role !== 'tenant_admin' && role !== 'platform_admin') expect(pages, role).not.toContain('audit');
      if (role !== 'tenant_admin' && role !== 'dispatcher') {
        for (const key of ['console', 'screen', 'devices', 'sources', 'kpis'] as const)
          expect(pages, `${role} ${key}`).not.toContain(key);
      }
      if (role !== 'resident') expect(pages, role).not.toContain('report');
      if (role !== 'market_operator' && role !== 'tenant_admin')
        expect(pages, role).not.toContain('gigConsole');
      if (role !== 'employer') expect(pages, role).not.toContain('gigEmployer');
    }
  });

  it('still offers the shared pages for every signed-in account, even one without roles', () => {
    expect(keys([])).toEqual(['map', 'facilities', 'profile']);
  });

  it('uses the test ids and paths the end-to-end suite relies on', () => {
    expect(navigationFor(['tenant_admin']).map((item) => [item.testId, item.path])).toEqual([
      ['nav-console', '/console'],
      ['nav-screen', '/screen'],
      ['nav-map', '/map'],
      ['nav-facilities', '/facilities'],
      ['nav-devices', '/devices'],
      ['nav-sources', '/sources'],
      ['nav-kpis', '/kpis'],
      ['nav-gigConsole', '/gig/console'],
      ['nav-profile', '/profile'],
      ['nav-audit', '/audit'],
    ]);
    expect(navigationFor(['resident']).map((item) => item.path)).toContain('/my-reports');
    expect(navigationFor(['grid_worker'])[0]).toEqual({
      key: 'tasks',
      path: '/tasks',
      labelKey: 'nav.tasks',
      testId: 'nav-tasks',
    });
  });
});

describe('canAccess / homePathFor / pageForPath', () => {
  it('guards direct visits with the same rules', () => {
    expect(canAccess('audit', ['dispatcher'])).toBe(false);
    expect(canAccess('audit', ['platform_admin'])).toBe(true);
    expect(canAccess('profile', ['resident'])).toBe(true);
    expect(canAccess('console', ['resident'])).toBe(false);
    expect(canAccess('tasks', ['dispatcher'])).toBe(false);
    expect(canAccess('report', ['grid_worker'])).toBe(false);
    expect(canAccess('sources', ['dispatcher'])).toBe(true);
  });

  it('lets anyone signed in open the gig worker and employer pages (to register), not the console', () => {
    for (const page of ['gigWorker', 'gigEmployer'] as const) {
      expect(canAccess(page, []), page).toBe(true);
      expect(canAccess(page, ['grid_worker']), page).toBe(true);
    }
    expect(canAccess('gigConsole', ['worker', 'employer', 'resident'])).toBe(false);
    expect(canAccess('gigConsole', ['market_operator'])).toBe(true);
    expect(canAccess('gigConsole', ['tenant_admin'])).toBe(true);
  });

  it('lands each role on its own first page', () => {
    expect(homePathFor(['resident'])).toBe('/map');
    expect(homePathFor(['dispatcher'])).toBe('/console');
    expect(homePathFor(['tenant_admin'])).toBe('/console');
    expect(homePathFor(['grid_worker'])).toBe('/tasks');
    expect(homePathFor(['department_staff'])).toBe('/tasks');
    expect(homePathFor([])).toBe('/map');
  });

  it('lands workers, employers and the market operator in the gig market, not on the map', () => {
    expect(homePathFor(['worker'])).toBe('/gig/worker');
    expect(homePathFor(['resident', 'worker'])).toBe('/gig/worker');
    expect(homePathFor(['employer'])).toBe('/gig/employer');
    expect(homePathFor(['market_operator'])).toBe('/gig/console');
    // A work page earlier in the menu still comes first.
    expect(homePathFor(['dispatcher', 'worker'])).toBe('/console');
    expect(homePathFor(['tenant_admin', 'market_operator'])).toBe('/console');
  });

  it('maps paths to menu entries', () => {
    expect(pageForPath('/facilities')).toBe('facilities');
    expect(pageForPath('/audit/anything')).toBe('audit');
    expect(pageForPath('/tasks/0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b')).toBe('tasks');
    expect(pageForPath('/my-reports')).toBe('myReports');
    expect(pageForPath('/gig/worker/shifts')).toBe('gigWorker');
    expect(pageForPath('/gig/employer/jobs/new')).toBe('gigEmployer');
    expect(pageForPath('/gig/console/disputes')).toBe('gigConsole');
    expect(pageForPath('/gig')).toBeNull();
    expect(pageForPath('/reports')).toBeNull();
    expect(pageForPath('/auditx')).toBeNull();
    expect(pageForPath('/')).toBeNull();
  });
});
