import i18next from 'i18next';
import governanceEn from './en.governance';
import governanceZhCN from './zh-CN.governance';

/**
 * The governance pages' text, added to the translations when the first of those pages loads (this
 * module is imported for its effect by them), so the entry chunk — which every resident downloads on
 * a phone — does not carry the command center's vocabulary. The keys are typed all along (i18next.d.ts).
 */
i18next.addResourceBundle('zh-CN', 'translation', governanceZhCN, true, false);
i18next.addResourceBundle('en', 'translation', governanceEn, true, false);
