import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { FullPageSpin } from '../components/FullPageSpin';
import { useAuth } from './AuthContext';

export interface LoginLocationState {
  from?: string;
}

/** Lets signed-in accounts through; sends everyone else to /login, remembering where they were going. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const { state } = useAuth();
  const location = useLocation();
  if (state.status === 'loading') return <FullPageSpin />;
  if (state.status === 'anonymous') {
    const from = `${location.pathname}${location.search}`;
    const loginState: LoginLocationState = { from };
    return <Navigate to="/login" replace state={loginState} />;
  }
  return children;
}
