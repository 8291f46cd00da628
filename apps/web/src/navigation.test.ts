import type { Role } from '@jiedao/contracts';
import { describe, expect, it } from 'vitest';
import { ROLES } from './domain';
import { canAccess, homePathFor, navigationFor, pageForPath } from './navigation';

const keys = (roles: Role[]) => navigationFor(roles).map((item) => item.key);

describe('navigationFor', () => {
  it('gives a resident the map, facilities and profile — not the access audit', () => {
    expect(keys(['resident'])).toEqual(['map', 'facilities', 'profile']);
  });

  it('adds the access audit for tenant and platform administrators', () => {
    expect(keys(['tenant_admin'])).toEqual(['map', 'facilities', 'profile', 'audit']);
    expect(keys(['platform_admin'])).toEqual(['map', 'facilities', 'profile', 'audit']);
  });

  it('shows the audit when any one of several roles allows it', () => {
    expect(keys(['resident', 'grid_worker', 'tenant_admin'])).toContain('audit');
  });

  it('hides the audit from every non-admin role', () => {
    for (const role of ROLES.filter(
      (candidate) => candidate !== 'tenant_admin' && candidate !== 'platform_admin',
    )) {
      expect(keys([role]), role).not.toContain('audit');
    }
  });

  it('still offers the pages for every signed-in account, even one without roles', () => {
    expect(keys([])).toEqual(['map', 'facilities', 'profile']);
  });

  it('uses the test ids and paths the end-to-end suite relies on', () => {
    expect(navigationFor(['tenant_admin']).map((item) => [item.testId, item.path])).toEqual([
      ['nav-map', '/map'],
      ['nav-facilities', '/facilities'],
      ['nav-profile', '/profile'],
      ['nav-audit', '/audit'],
    ]);
  });
});

describe('canAccess / homePathFor / pageForPath', () => {
  it('guards direct visits with the same rules', () => {
    expect(canAccess('audit', ['dispatcher'])).toBe(false);
    expect(canAccess('audit', ['platform_admin'])).toBe(true);
    expect(canAccess('profile', ['resident'])).toBe(true);
  });

  it('lands on the first permitted page', () => {
    expect(homePathFor(['resident'])).toBe('/map');
  });

  it('maps paths to menu entries', () => {
    expect(pageForPath('/facilities')).toBe('facilities');
    expect(pageForPath('/audit/anything')).toBe('audit');
    expect(pageForPath('/auditx')).toBeNull();
    expect(pageForPath('/')).toBeNull();
  });
});
