import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestTenant, type TestApp } from '../../testing/test-app.js';
import type { TestTenant } from '../../testing/factories.js';
import { importGrids } from './import-grids.service.js';

let t: TestApp;
let tenant: TestTenant;
beforeAll(async () => {
  t = await createTestApp();
  tenant = await createTestTenant(t.ctx, { communities: 2 });
});
afterAll(() => t.close());

const ring = (x: number, y: number, size: number) => [
  [x, y],
  [x + size, y],
  [x + size, y + size],
  [x, y + size],
  [x, y],
];
const feature = (code: string, coordinates: number[][][], community = 'C1') => ({
  type: 'Feature',
  properties: { code, name: `网格${code}`, community },
  geometry: { type: 'Polygon', coordinates },
});

const gridCount = async () =>
  (
    await t.ctx.db
      .selectFrom('grid')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('tenantId', '=', tenant.id)
      .executeTakeFirstOrThrow()
  ).n;

describe('importGrids', () => {
  it('reports the index and reason of every bad feature and imports nothing from that file', async () => {
    const [x, y] = tenant.origin;
    const before = await gridCount();
    const progress: Array<[string, number, number]> = [];
    const result = await importGrids(
      t.ctx,
      t.locator,
      tenant.id,
      {
        type: 'FeatureCollection',
        features: [
          feature('OK-1', [ring(x + 0.001, y + 0.001, 0.001)]),
          feature('OPEN', [ring(x + 0.003, y + 0.003, 0.001).slice(0, 4)]),
          feature('BOWTIE', [
            [
              [x + 0.005, y + 0.005],
              [x + 0.006, y + 0.006],
              [x + 0.006, y + 0.005],
              [x + 0.005, y + 0.006],
              [x + 0.005, y + 0.005],
            ],
          ]),
          feature('FAR', [ring(x + 5, y + 5, 0.001)]),
          feature('C1-G1', [ring(x + 0.007, y + 0.007, 0.001)]),
          feature('OK-1', [ring(x + 0.009, y + 0.009, 0.0005)]),
          feature('NOCOMM', [ring(x + 0.011, y + 0.011, 0.001)], 'ZZ'),
        ],
      },
      (phase, done, total) => progress.push([phase, done, total]),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const byIndex = new Map(result.problems.map((problem) => [problem.index, problem.reason]));
    expect([...byIndex.keys()].sort()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(byIndex.get(1)).toMatch(/clos/i);
    expect(byIndex.get(2)).toMatch(/intersect/i);
    expect(byIndex.get(3)).toMatch(/outside/i);
    expect(byIndex.get(4)).toMatch(/C1-G1/);
    expect(byIndex.get(5)).toMatch(/OK-1/);
    expect(byIndex.get(6)).toMatch(/community "ZZ"/);
    expect(await gridCount()).toBe(before);
    expect(progress.some(([phase]) => phase === 'validate')).toBe(true);
  });

  it('rejects what is not a FeatureCollection', async () => {
    const result = await importGrids(t.ctx, t.locator, tenant.id, { type: 'Feature' });
    expect(result.ok).toBe(false);
  });

  it('imports a good file in one go and the locator sees the new grids at once', async () => {
    const [x, y] = tenant.origin;
    // The test tenant's boundary is twice as tall as its grids: the top half is free.
    const point = { lng: x + 0.0105, lat: y + 0.0305 };
    expect(await t.locator.locate(tenant.id, point.lng, point.lat)).toBeUndefined();
    const before = await gridCount();
    const result = await importGrids(t.ctx, t.locator, tenant.id, {
      type: 'FeatureCollection',
      features: [
        feature('NEW-1', [ring(x + 0.01, y + 0.03, 0.001)], 'C2'),
        feature('NEW-2', [ring(x + 0.012, y + 0.03, 0.001)], 'C2'),
      ],
    });
    expect(result).toEqual({ ok: true, imported: 2 });
    expect(await gridCount()).toBe(before + 2);
    expect((await t.locator.locate(tenant.id, point.lng, point.lat))?.code).toBe('NEW-1');
  });
});
