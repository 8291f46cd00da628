import { CheckCircleFilled, PhoneOutlined } from '@ant-design/icons';
import type { ReportAccepted } from '@jiedao/contracts';
import { Button, Card, Flex, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { useDocumentTitle } from '../components/useDocumentTitle';
import { ReportForm } from '../governance/ReportForm';
// The command center's text comes with its pages (see i18n/governance.ts).
import '../i18n/governance';

/**
 * 我要报事: a resident's report, on a phone, often by an older person. Large controls throughout,
 * the confirmation stays on the page (no toast that vanishes), and the emergency numbers are always
 * one tap away.
 */
export default function ReportPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [accepted, setAccepted] = useState<ReportAccepted | null>(null);
  useDocumentTitle(t('report.title'));

  return (
    <div className="mobile-page resident-page" data-testid="report-page">
      <Typography.Title level={3}>{t('report.title')}</Typography.Title>
      {accepted ? (
        <Card className="mobile-card report-success" data-testid="report-success">
          <Flex vertical gap={16} align="center">
            <CheckCircleFilled className="report-success-icon" aria-hidden="true" />
            <Typography.Paragraph strong className="report-success-text" role="status">
              {t('report.submitted', { number: accepted.caseNumber })}
            </Typography.Paragraph>
            <Button
              type="primary"
              size="large"
              block
              className="big-button"
              onClick={() => void navigate('/my-reports')}
              data-testid="report-view-mine"
            >
              {t('report.viewMine')}
            </Button>
            <Button
              size="large"
              block
              className="big-button"
              onClick={() => {
                setAccepted(null);
              }}
            >
              {t('report.another')}
            </Button>
          </Flex>
        </Card>
      ) : (
        <>
          <Typography.Paragraph className="report-intro">{t('report.intro')}</Typography.Paragraph>
          <div className="emergency-strip" role="note">
            <span>{t('report.emergency')}</span>
            <Flex gap={12} wrap="wrap">
              <a href="tel:119" className="emergency-call">
                <PhoneOutlined /> {t('report.call119')}
              </a>
              <a href="tel:110" className="emergency-call">
                <PhoneOutlined /> {t('report.call110')}
              </a>
            </Flex>
          </div>
          <Card className="mobile-card">
            <ReportForm audience="resident" large onSubmitted={setAccepted} />
          </Card>
        </>
      )}
    </div>
  );
}
