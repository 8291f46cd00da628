import { useCallback, useEffect, useState } from 'react';
import { api, ApiError, isAbortError } from './client';

export interface ApiState<T> {
  /** Latest data; while a new request is in flight it still holds the previous result (for calm tables). */
  data: T | undefined;
  error: ApiError | undefined;
  loading: boolean;
  reload: () => void;
}

interface Settled<T> {
  key: string;
  data?: T;
  error?: ApiError;
}

function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError({ status: 0, code: 'network_error', detail: '' });
}

/** GETs `path` whenever it changes (pass `null` to skip). Aborts superseded requests. */
export function useApi<T>(path: string | null): ApiState<T> {
  const [generation, setGeneration] = useState(0);
  const [settled, setSettled] = useState<Settled<T> | undefined>(undefined);
  const key = path === null ? null : `${generation}:${path}`;

  useEffect(() => {
    if (path === null || key === null) return undefined;
    const controller = new AbortController();
    api<T>(path, { signal: controller.signal }).then(
      (data) => {
        setSettled({ key, data });
      },
      (error: unknown) => {
        if (isAbortError(error) || controller.signal.aborted) return;
        setSettled((previous) => ({ key, data: previous?.data, error: toApiError(error) }));
      },
    );
    return () => {
      controller.abort();
    };
  }, [path, key]);

  const reload = useCallback(() => {
    setGeneration((value) => value + 1);
  }, []);

  return {
    data: settled?.data,
    error: settled?.key === key ? settled.error : undefined,
    loading: key !== null && settled?.key !== key,
    reload,
  };
}
