import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { setRequestLanguage } from '../api/client';
import { readStorage, writeStorage } from '../prefs/storage';
import en from './en';
import { DEFAULT_LANGUAGE, LANGUAGE_STORAGE_KEY, LANGUAGES, toLanguage, type Language } from './languages';
import zhCN from './zh-CN';

function applyLanguage(language: Language): void {
  document.documentElement.lang = language;
  setRequestLanguage(language);
  writeStorage(LANGUAGE_STORAGE_KEY, language);
}

const stored = readStorage(LANGUAGE_STORAGE_KEY);
const initial: Language = stored === null ? DEFAULT_LANGUAGE : toLanguage(stored);

i18next.on('languageChanged', (lng) => {
  applyLanguage(toLanguage(lng));
});

// Resources are bundled, so initialisation completes synchronously (initAsync: false).
void i18next.use(initReactI18next).init({
  resources: { 'zh-CN': { translation: zhCN }, en: { translation: en } },
  lng: initial,
  fallbackLng: DEFAULT_LANGUAGE,
  supportedLngs: [...LANGUAGES],
  load: 'currentOnly',
  interpolation: { escapeValue: false },
  returnNull: false,
  initAsync: false,
});
applyLanguage(initial);

export default i18next;
