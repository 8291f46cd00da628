import type { Community, GridFeatureCollection } from '@jiedao/contracts';
import { useEffect, useState } from 'react';
import { api, toApiError, type ApiError } from '../api/client';

/**
 * The grid polygons and communities change only when an administrator imports new grids, so pages
 * that show many small maps (one per case) share one download per page load. A failed load is
 * forgotten so that the next use tries again.
 */
const cache = new Map<string, Promise<unknown>>();

function cached<T>(path: string): Promise<T> {
  let pending = cache.get(path) as Promise<T> | undefined;
  if (!pending) {
    pending = api<T>(path);
    cache.set(path, pending);
    pending.catch(() => cache.delete(path));
  }
  return pending;
}

export function loadGrids(): Promise<GridFeatureCollection> {
  return cached<GridFeatureCollection>('/api/places/grids');
}

export function loadCommunities(): Promise<Community[]> {
  return cached<Community[]>('/api/places/communities');
}

interface Loaded<T> {
  data: T | undefined;
  error: ApiError | undefined;
}

function useCached<T>(load: () => Promise<T>): Loaded<T> {
  const [state, setState] = useState<Loaded<T>>({ data: undefined, error: undefined });
  useEffect(() => {
    let live = true;
    load().then(
      (data) => {
        if (live) setState({ data, error: undefined });
      },
      (error: unknown) => {
        if (live) setState({ data: undefined, error: toApiError(error) });
      },
    );
    return () => {
      live = false;
    };
  }, [load]);
  return state;
}

export function useGrids(): Loaded<GridFeatureCollection> {
  return useCached(loadGrids);
}

/** Communities sorted by code (the order that fixes their colours on every map). */
export function useCommunities(): Loaded<Community[]> {
  return useCached(loadSortedCommunities);
}

function loadSortedCommunities(): Promise<Community[]> {
  return loadCommunities().then((list) => [...list].sort((a, b) => a.code.localeCompare(b.code)));
}
