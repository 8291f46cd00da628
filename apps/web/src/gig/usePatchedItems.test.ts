import { describe, expect, it } from 'vitest';
import { nextOverride, overrideFor, patchItems, type Override } from './usePatchedItems';

interface Item {
  id: string;
  state: string;
}

type Patches = Override<readonly Item[] | undefined, ReadonlyMap<string, Item>>;

/** What the hook shows for `fetched` after `patches` (the hook's render, without React). */
function shown(fetched: readonly Item[] | undefined, patches: Patches | null): Item[] | undefined {
  return patchItems(fetched, overrideFor(patches, fetched));
}

/** `patch(updated)` while `fetched` is shown (the hook's setter, without React). */
function patch(patches: Patches | null, fetched: readonly Item[] | undefined, updated: Item): Patches {
  return nextOverride(patches, fetched, (current) => new Map(current).set(updated.id, updated));
}

describe('usePatchedItems logic', () => {
  const first = [
    { id: 'a', state: 'hired' },
    { id: 'b', state: 'hired' },
  ];

  it('shows the fetched items when nothing was patched', () => {
    expect(shown(first, null)).toEqual(first);
    expect(shown(undefined, null)).toBeUndefined();
  });

  it('replaces a patched item by id while the same fetch is shown', () => {
    const patches = patch(null, first, { id: 'a', state: 'cancelled' });
    expect(shown(first, patches)).toEqual([
      { id: 'a', state: 'cancelled' },
      { id: 'b', state: 'hired' },
    ]);
    const more = patch(patches, first, { id: 'b', state: 'checked_in' });
    expect(shown(first, more)).toEqual([
      { id: 'a', state: 'cancelled' },
      { id: 'b', state: 'checked_in' },
    ]);
  });

  it('lets a new fetch win over patches made on an earlier one', () => {
    const patches = patch(null, first, { id: 'a', state: 'cancelled' });
    // The reload (a new array, even with equal content) brings the server's newer state.
    const reloaded = [
      { id: 'a', state: 'paid' },
      { id: 'b', state: 'hired' },
    ];
    expect(shown(reloaded, patches)).toEqual(reloaded);
    expect(shown([...first], patches)).toEqual(first);
  });

  it('starts afresh when patching on a new fetch (old patches do not come back)', () => {
    const old = patch(null, first, { id: 'a', state: 'cancelled' });
    const reloaded = [
      { id: 'a', state: 'paid' },
      { id: 'b', state: 'hired' },
    ];
    const patches = patch(old, reloaded, { id: 'b', state: 'cancelled' });
    expect(shown(reloaded, patches)).toEqual([
      { id: 'a', state: 'paid' },
      { id: 'b', state: 'cancelled' },
    ]);
  });

  it('ties a single override (a closed job) to its fetch the same way', () => {
    const job = { id: 'j', state: 'open' };
    const closed = nextOverride<Item | undefined, Item>(null, job, () => ({ id: 'j', state: 'closed' }));
    expect(overrideFor(closed, job)).toEqual({ id: 'j', state: 'closed' });
    expect(overrideFor(closed, { id: 'j', state: 'filled' })).toBeUndefined();
  });
});
