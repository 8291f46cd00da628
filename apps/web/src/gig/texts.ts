import i18next from 'i18next';
import gigEn from '../i18n/en.gig';
import gigZhCN from '../i18n/zh-CN.gig';

/**
 * The gig market's text (零工市场), added to the translations when the first gig page loads (this
 * module is imported for its effect by them), as the governance pages do with theirs: the entry chunk
 * stays free of it. The keys are typed all along (i18n/i18next.d.ts).
 */
i18next.addResourceBundle('zh-CN', 'translation', gigZhCN, true, false);
i18next.addResourceBundle('en', 'translation', gigEn, true, false);
