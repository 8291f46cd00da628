import type { Facility } from '@jiedao/contracts';
import { useCallback, useEffect, useState } from 'react';
import { api, ApiError, isAbortError, toQuery } from '../api/client';

interface Page {
  items: Facility[];
  total: number;
  page: number;
  pageSize: number;
}

/** The API caps pageSize at 200; the map needs every facility, so it walks the pages. */
const PAGE_SIZE = 200;
const MAX_PAGES = 50;

export async function fetchAllFacilities(signal: AbortSignal): Promise<Facility[]> {
  const all: Facility[] = [];
  for (let page = 1; page <= MAX_PAGES; page += 1) {
    const result = await api<Page>(`/api/places/facilities${toQuery({ page, pageSize: PAGE_SIZE })}`, {
      signal,
    });
    all.push(...result.items);
    if (result.items.length === 0 || all.length >= result.total) break;
  }
  return all;
}

interface Settled {
  generation: number;
  data?: Facility[];
  error?: ApiError;
}

export function useAllFacilities(): {
  data: Facility[] | undefined;
  error: ApiError | undefined;
  loading: boolean;
  reload: () => void;
} {
  const [generation, setGeneration] = useState(0);
  const [settled, setSettled] = useState<Settled | undefined>(undefined);

  useEffect(() => {
    const controller = new AbortController();
    fetchAllFacilities(controller.signal).then(
      (data) => {
        setSettled({ generation, data });
      },
      (error: unknown) => {
        if (isAbortError(error) || controller.signal.aborted) return;
        setSettled({
          generation,
          error:
            error instanceof ApiError
              ? error
              : new ApiError({ status: 0, code: 'network_error', detail: '' }),
        });
      },
    );
    return () => {
      controller.abort();
    };
  }, [generation]);

  const reload = useCallback(() => {
    setGeneration((value) => value + 1);
  }, []);
  return {
    data: settled?.data,
    error: settled?.generation === generation ? settled.error : undefined,
    loading: settled?.generation !== generation,
    reload,
  };
}
