import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import i18next from 'i18next';
import { toLanguage } from '../i18n/languages';

/**
 * Month and weekday names in date pickers follow the UI language. Imported for its effect by the
 * pages with date pickers (dayjs stays out of the entry chunk's critical path otherwise).
 */
function syncDayjsLocale(language: string): void {
  dayjs.locale(toLanguage(language) === 'en' ? 'en' : 'zh-cn');
}
syncDayjsLocale(i18next.language);
i18next.on('languageChanged', syncDayjsLocale);
