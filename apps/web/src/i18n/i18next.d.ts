import 'i18next';
import type zhCN from './zh-CN';
import type gigZhCN from './zh-CN.gig';
import type governanceZhCN from './zh-CN.governance';

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    /**
     * The governance and gig keys are loaded with their pages (governance.ts, gig/texts.ts), typed here
     * from the start.
     */
    resources: { translation: typeof zhCN & typeof governanceZhCN & typeof gigZhCN };
  }
}
