import { useCallback, useEffect, useMemo, useRef, useState } from 'react';

/** A local value (what the server answered to an action) tied to the fetch it corrects. */
export interface Override<B, V> {
  base: B;
  value: V;
}

/** The override's value while `base` is still the fetch it was made on; once a new fetch came, nothing. */
export function overrideFor<B, V>(override: Override<B, V> | null, base: B): V | undefined {
  return override !== null && override.base === base ? override.value : undefined;
}

/** The override after `next` while `base` is shown: it builds on the previous value only if made on the same fetch. */
export function nextOverride<B, V>(
  previous: Override<B, V> | null,
  base: B,
  next: (current: V | undefined) => V,
): Override<B, V> {
  return { base, value: next(overrideFor(previous, base)) };
}

/** The fetched items, each replaced by its patch (same id) if there is one. */
export function patchItems<T extends { id: string }>(
  fetched: readonly T[] | undefined,
  byId: ReadonlyMap<string, T> | undefined,
): T[] | undefined {
  return fetched?.map((item) => byId?.get(item.id) ?? item);
}

/**
 * A value the page sets from an action's answer, shown instead of `base` (e.g. a fetched job) until
 * `base` changes: a reload or a live update brings newer data, and that wins.
 */
export function useOverride<B, V>(base: B): [V | undefined, (next: (current: V | undefined) => V) => void] {
  const [override, setOverride] = useState<Override<B, V> | null>(null);
  // The fetch shown now: an action's answer may arrive after a reload that started later.
  const shown = useRef(base);
  useEffect(() => {
    shown.current = base;
  }, [base]);
  const set = useCallback((next: (current: V | undefined) => V) => {
    const current = shown.current;
    setOverride((previous) => nextOverride(previous, current, next));
  }, []);
  return [overrideFor(override, base), set];
}

/**
 * A fetched list with the items actions answered with (`patch`, e.g. a card's new state after 取消):
 * they replace the fetched ones by id until the next fetch, which wins.
 */
export function usePatchedItems<T extends { id: string }>(
  fetched: readonly T[] | undefined,
): { items: T[] | undefined; patch: (updated: T) => void } {
  const [byId, setById] = useOverride<readonly T[] | undefined, ReadonlyMap<string, T>>(fetched);
  const items = useMemo(() => patchItems(fetched, byId), [fetched, byId]);
  const patch = useCallback(
    (updated: T) => {
      setById((current) => new Map(current).set(updated.id, updated));
    },
    [setById],
  );
  return { items, patch };
}
