import 'i18next';
import type zhCN from './zh-CN';
import type governanceZhCN from './zh-CN.governance';

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    /** The governance keys are loaded with the governance pages (governance.ts), typed here from the start. */
    resources: { translation: typeof zhCN & typeof governanceZhCN };
  }
}
