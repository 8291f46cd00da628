import type { EmployerProfile } from '@jiedao/contracts';
import { createContext, useContext } from 'react';

export type Balances = EmployerProfile['balances'];

export interface EmployerContextValue {
  profile: EmployerProfile;
  /** After a top-up, a deposit or a hire: the balances the server answered with. */
  setBalances: (balances: Balances) => void;
  /** Fetch the profile (and so the balances) again. */
  reload: () => void;
}

export const EmployerContext = createContext<EmployerContextValue | null>(null);

export function useEmployer(): EmployerContextValue {
  const value = useContext(EmployerContext);
  if (!value) throw new Error('useEmployer must be used inside the employer pages');
  return value;
}
