import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../api/client';

/**
 * What to tell the user about a failed call. In Chinese, a sentence keyed by the problem's stable
 * `code` (the server words `detail` in English); in English, the server's `detail`, which says
 * exactly what was wrong. A Chinese detail the server supplied (`detailZh`) wins in Chinese.
 */
export function useProblemText(): (error: ApiError) => string {
  const { t, i18n } = useTranslation();
  return useCallback(
    (error: ApiError) => {
      if (error.code === 'network_error') return t('errors.network');
      if (error.code === 'verification_unavailable') return t('errors.verificationUnavailable');
      if (error.code === 'bad_response') return t('errors.badResponse');
      const chinese = i18n.language.startsWith('zh');
      if (chinese && error.detailZh) return error.detailZh;
      const key = `errors.codes.${error.code}`;
      const byCode = i18n.exists(key) ? t(key as 'errors.generic') : undefined;
      if (chinese && byCode) return byCode;
      return error.detail || byCode || t('errors.generic');
    },
    [t, i18n],
  );
}
