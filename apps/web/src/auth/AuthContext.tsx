import type { LoginRequest, Me } from '@jiedao/contracts';
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, ApiError, setUnauthorizedHandler } from '../api/client';

type AuthState =
  { status: 'loading' } | { status: 'anonymous'; error?: ApiError } | { status: 'authenticated'; me: Me };

interface AuthContextValue {
  state: AuthState;
  login: (request: LoginRequest) => Promise<Me>;
  logout: () => Promise<void>;
  /** Replace the signed-in account (after real-name verification, for instance). */
  setMe: (me: Me) => void;
  /** Ask the server again who is signed in (e.g. after a failed probe). */
  refresh: () => void;
}

const AuthContext = createContext<AuthContextValue | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<AuthState>({ status: 'loading' });
  const [probe, setProbe] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    api<Me>('/api/auth/me', { signal: controller.signal, allowUnauthorized: true }).then(
      (me) => {
        setState({ status: 'authenticated', me });
      },
      (error: unknown) => {
        if (controller.signal.aborted) return;
        // 401 simply means "not signed in"; other failures are shown on the login page.
        const problem = error instanceof ApiError && error.status !== 401 ? error : undefined;
        setState(problem ? { status: 'anonymous', error: problem } : { status: 'anonymous' });
      },
    );
    return () => {
      controller.abort();
    };
  }, [probe]);

  useEffect(
    () =>
      setUnauthorizedHandler(() => {
        setState({ status: 'anonymous' });
      }),
    [],
  );

  const login = useCallback(async (request: LoginRequest) => {
    const me = await api<Me>('/api/auth/login', { method: 'POST', body: request, allowUnauthorized: true });
    setState({ status: 'authenticated', me });
    return me;
  }, []);

  const logout = useCallback(async () => {
    try {
      await api<undefined>('/api/auth/logout', { method: 'POST', body: {}, allowUnauthorized: true });
    } finally {
      setState({ status: 'anonymous' });
    }
  }, []);

  const setMe = useCallback((me: Me) => {
    setState({ status: 'authenticated', me });
  }, []);
  const refresh = useCallback(() => {
    setState({ status: 'loading' });
    setProbe((value) => value + 1);
  }, []);

  const value = useMemo(
    () => ({ state, login, logout, setMe, refresh }),
    [state, login, logout, setMe, refresh],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthContextValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error('useAuth must be used inside <AuthProvider>');
  return value;
}

/** The signed-in account; only for components rendered behind <RequireAuth>. */
export function useMe(): Me {
  const { state } = useAuth();
  if (state.status !== 'authenticated') throw new Error('useMe used outside an authenticated route');
  return state.me;
}
