import { Button } from 'antd';
import { Component, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

// Deliberately plain markup: this sits in the entry chunk, and antd's Result would add its illustrations there.
function PageFailed() {
  const { t } = useTranslation();
  return (
    <div className="page-center">
      <div role="alert" className="page-failed">
        <h2>{t('status.pageFailedTitle')}</h2>
        <p>{t('status.pageFailedBody')}</p>
        <Button
          type="primary"
          onClick={() => {
            window.location.reload();
          }}
        >
          {t('status.reload')}
        </Button>
      </div>
    </div>
  );
}

/** Catches render errors and failed lazy chunk loads (e.g. after a redeploy) so the shell stays usable. */
export class PageErrorBoundary extends Component<{ children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };

  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }

  override render() {
    return this.state.failed ? <PageFailed /> : this.props.children;
  }
}
