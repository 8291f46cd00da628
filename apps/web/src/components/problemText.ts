import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../api/client';

/** What to tell the user about a failed call: the server's `detail` when it gave one. */
export function useProblemText(): (error: ApiError) => string {
  const { t } = useTranslation();
  return useCallback(
    (error: ApiError) => {
      if (error.code === 'network_error') return t('errors.network');
      if (error.code === 'verification_unavailable') return t('errors.verificationUnavailable');
      if (error.detail) return error.detail;
      if (error.code === 'bad_response') return t('errors.badResponse');
      return t('errors.generic');
    },
    [t],
  );
}
