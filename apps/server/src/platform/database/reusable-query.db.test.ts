import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../testing/test-database.js';
import type { DatabaseHandle } from './database.js';
import { reusableQuery } from './reusable-query.js';

let handle: DatabaseHandle;
beforeAll(async () => {
  handle = await createTestDatabase();
  await handle.db
    .insertInto('tenant')
    .values([
      { id: '01a22574-0000-7000-8000-000000000001', code: 'a', name: '甲', nameEn: 'A', boundary: '{}' },
      { id: '01a22574-0000-7000-8000-000000000002', code: 'b', name: '乙', nameEn: 'B', boundary: '{}' },
    ])
    .execute();
});
afterAll(() => handle.close());

describe('reusableQuery', () => {
  it('runs the compiled shape with each call’s arguments, keeps constants, and maps columns to camelCase', async () => {
    const findTenant = reusableQuery((db, code: string) =>
      db
        .selectFrom('tenant')
        .select(['id', 'nameEn', 'timeZone'])
        .where('code', '=', code)
        .where('timeZone', '=', 'Asia/Shanghai'),
    );
    expect(await findTenant(handle.db, 'a')).toEqual([
      { id: '01a22574-0000-7000-8000-000000000001', nameEn: 'A', timeZone: 'Asia/Shanghai' },
    ]);
    expect((await findTenant(handle.db, 'b'))[0]?.nameEn).toBe('B');
    expect(await findTenant(handle.db, 'nope')).toEqual([]);
  });
});
