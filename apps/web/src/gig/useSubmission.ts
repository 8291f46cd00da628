import { useCallback, useRef, useState } from 'react';
import { type ApiError, toApiError } from '../api/client';
import { SubmissionKeys } from './idempotency';

/** Worth retrying with the same key: the request may or may not have been done (network, 5xx, 503 bank). */
function isRetryable(error: ApiError): boolean {
  return error.status === 0 || error.status >= 500;
}

/** How one call ended: its answer (possibly `undefined`, for 204), or the problem. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: ApiError };

interface Submission {
  busy: boolean;
  error: ApiError | null;
  clearError: () => void;
  /**
   * Runs one submission of `body`: `task` gets the Idempotency-Key, the same one when the same body is
   * sent again after a failure that retrying may cure. The problem, if any, is also kept in `error`.
   */
  submit: <T>(body: unknown, task: (key: string) => Promise<T>) => Promise<Outcome<T>>;
}

/** A form's submissions with idempotency keys (see idempotency.ts) and their busy/error state. */
export function useSubmission(): Submission {
  const keys = useRef<SubmissionKeys | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  const submit = useCallback(
    async <T>(body: unknown, task: (key: string) => Promise<T>): Promise<Outcome<T>> => {
      keys.current ??= new SubmissionKeys();
      const submissions = keys.current;
      const key = submissions.keyFor(body);
      setBusy(true);
      setError(null);
      try {
        const value = await task(key);
        submissions.settle();
        return { ok: true, value };
      } catch (caught) {
        const problem = toApiError(caught);
        // A definite answer (4xx) ends this submission; trying again is a new one with a new key.
        if (!isRetryable(problem)) submissions.settle();
        setError(problem);
        return { ok: false, error: problem };
      } finally {
        setBusy(false);
      }
    },
    [],
  );

  const clearError = useCallback(() => {
    setError(null);
  }, []);

  return { busy, error, clearError, submit };
}

/** A plain action (no key): busy/error state around one call at a time, named so buttons can spin. */
export function useAction(): {
  busy: string | null;
  error: ApiError | null;
  clearError: () => void;
  run: <T>(name: string, task: () => Promise<T>) => Promise<Outcome<T>>;
} {
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const run = useCallback(async <T>(name: string, task: () => Promise<T>): Promise<Outcome<T>> => {
    setBusy(name);
    setError(null);
    try {
      return { ok: true, value: await task() };
    } catch (caught) {
      const problem = toApiError(caught);
      setError(problem);
      return { ok: false, error: problem };
    } finally {
      setBusy(null);
    }
  }, []);
  const clearError = useCallback(() => {
    setError(null);
  }, []);
  return { busy, error, clearError, run };
}
