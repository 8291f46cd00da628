import { Button, Result } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { useDocumentTitle } from '../components/useDocumentTitle';

/** 403 for pages the roles may not use (direct visits), 404 for unknown paths. */
export default function StatusPage({ kind }: { kind: 'forbidden' | 'not-found' }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const title = kind === 'forbidden' ? t('status.forbiddenTitle') : t('status.notFoundTitle');
  useDocumentTitle(title);
  return (
    <div data-testid={kind === 'forbidden' ? 'forbidden' : 'not-found'}>
      <Result
        status={kind === 'forbidden' ? '403' : '404'}
        title={title}
        subTitle={kind === 'forbidden' ? t('status.forbiddenBody') : t('status.notFoundBody')}
        extra={
          <Button type="primary" onClick={() => void navigate('/')}>
            {t('common.backHome')}
          </Button>
        }
      />
    </div>
  );
}
