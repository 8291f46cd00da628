import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { readStorage, writeStorage } from './storage';

export const ELDER_STORAGE_KEY = 'jiedao.elderMode';

interface ElderModeValue {
  elder: boolean;
  setElder: (on: boolean) => void;
}

const ElderModeContext = createContext<ElderModeValue | null>(null);

/** 长者模式: large type, high contrast, bigger targets and no pop-ups. Remembered in localStorage. */
export function ElderModeProvider({ children }: { children: ReactNode }) {
  const [elder, setElderState] = useState<boolean>(() => readStorage(ELDER_STORAGE_KEY) === 'on');

  useEffect(() => {
    document.documentElement.dataset.elder = elder ? 'on' : 'off';
  }, [elder]);

  const setElder = useCallback((on: boolean) => {
    writeStorage(ELDER_STORAGE_KEY, on ? 'on' : 'off');
    setElderState(on);
  }, []);

  const value = useMemo(() => ({ elder, setElder }), [elder, setElder]);
  return <ElderModeContext.Provider value={value}>{children}</ElderModeContext.Provider>;
}

export function useElderMode(): ElderModeValue {
  const value = useContext(ElderModeContext);
  if (!value) throw new Error('useElderMode must be used inside <ElderModeProvider>');
  return value;
}
