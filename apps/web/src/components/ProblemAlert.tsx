import { Alert, Button } from 'antd';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../api/client';
import { useProblemText } from './problemText';

/** Inline error for a failed load or action: the server's `detail`, the request id for support, and retry. */
export function ProblemAlert({
  error,
  onRetry,
  title,
}: {
  error: ApiError;
  onRetry?: () => void;
  title?: string;
}) {
  const { t } = useTranslation();
  const text = useProblemText();
  const requestId = error.requestId ? t('common.requestId', { id: error.requestId }) : null;
  const description = title ? (
    <>
      <div>{text(error)}</div>
      {requestId && <div className="muted-small">{requestId}</div>}
    </>
  ) : (
    requestId && <span className="muted-small">{requestId}</span>
  );
  return (
    <Alert
      type="error"
      showIcon
      role="alert"
      title={title ?? text(error)}
      description={description || undefined}
      action={
        onRetry ? (
          <Button size="small" onClick={onRetry}>
            {t('common.retry')}
          </Button>
        ) : undefined
      }
      style={{ marginBottom: 16 }}
    />
  );
}
