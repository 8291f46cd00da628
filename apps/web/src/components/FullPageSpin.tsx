import { Spin } from 'antd';
import { useTranslation } from 'react-i18next';

export function FullPageSpin() {
  const { t } = useTranslation();
  return (
    <div className="full-page-center" role="status" aria-live="polite">
      <Spin size="large" description={t('app.loading')} />
    </div>
  );
}

export function PageSpin() {
  const { t } = useTranslation();
  return (
    <div className="page-center" role="status" aria-live="polite">
      <Spin size="large" description={t('app.loading')} />
    </div>
  );
}
