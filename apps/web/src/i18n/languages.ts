/** Supported UI languages. Pure module (no i18next import) so unit tests and the bootstrap can share it. */
export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

export const DEFAULT_LANGUAGE: Language = 'zh-CN';
export const LANGUAGE_STORAGE_KEY = 'jiedao.language';

/** Maps whatever i18next or storage holds to one of our languages; unknown values fall back to Chinese. */
export function toLanguage(value: string | null | undefined): Language {
  if (value && value.toLowerCase().startsWith('en')) return 'en';
  return DEFAULT_LANGUAGE;
}

export function otherLanguage(language: Language): Language {
  return language === 'en' ? 'zh-CN' : 'en';
}
