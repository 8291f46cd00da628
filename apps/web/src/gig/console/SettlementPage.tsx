import type { ReconcileStatus, SettlementRunResult } from '@jiedao/contracts';
import { Button, Card, Col, Descriptions, Flex, Row, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useDocumentTitle } from '../../components/useDocumentTitle';
import { gigApi } from '../gigApi';
import { formatFen } from '../money';
import { useAction, useSubmission } from '../useSubmission';
import { ReconcileChecks } from './KpisPage';

/** 结算与对账: request the payouts of finished periods, and check the books against each other. */
export function SettlementPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('gig.settlement.title'));
  const settlement = useSubmission();
  const reconcile = useAction();
  const [result, setResult] = useState<SettlementRunResult | null>(null);
  const [status, setStatus] = useState<ReconcileStatus | null>(null);

  const run = async () => {
    // A retry after a lost answer reuses the key; once answered, the next press is a new run (which is
    // harmless anyway: payouts are requested once per wallet and period).
    const outcome = await settlement.submit({}, (key) =>
      gigApi<SettlementRunResult>('/settlements/run', { method: 'POST', idempotencyKey: key }),
    );
    if (outcome.ok) setResult(outcome.value);
  };

  const check = async () => {
    const outcome = await reconcile.run('reconcile', () =>
      gigApi<ReconcileStatus>('/reconcile', { method: 'POST' }),
    );
    if (outcome.ok) setStatus(outcome.value);
  };

  return (
    <div>
      <Typography.Title level={3} className="page-heading">
        {t('gig.settlement.title')}
      </Typography.Title>
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={12}>
          <Card title={t('gig.settlement.run')}>
            <Typography.Paragraph>{t('gig.settlement.intro')}</Typography.Paragraph>
            <Button
              type="primary"
              onClick={() => void run()}
              loading={settlement.busy}
              data-testid="settlement-run"
            >
              {t('gig.settlement.runNow')}
            </Button>
            {settlement.error && (
              <div style={{ marginTop: 16 }}>
                <ProblemAlert error={settlement.error} />
              </div>
            )}
            {result && (
              <Descriptions
                style={{ marginTop: 16 }}
                column={1}
                size="small"
                bordered
                data-testid="settlement-result"
                items={[
                  {
                    key: 'periods',
                    label: t('gig.settlement.periods'),
                    children: result.periodKeys.join('、') || t('common.none'),
                  },
                  { key: 'requested', label: t('gig.settlement.requested'), children: result.requested },
                  { key: 'existing', label: t('gig.settlement.existing'), children: result.existing },
                  {
                    key: 'skipped',
                    label: t('gig.settlement.skippedNoAccount'),
                    children: result.skippedNoAccount,
                  },
                  {
                    key: 'amount',
                    label: t('gig.settlement.amount'),
                    children: <span className="mono">{formatFen(result.amountFen)}</span>,
                  },
                ]}
              />
            )}
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card title={t('gig.console.reconcile')}>
            <Flex vertical gap={12}>
              <Typography.Paragraph style={{ margin: 0 }}>
                {t('gig.settlement.reconcileIntro')}
              </Typography.Paragraph>
              <div>
                <Button
                  onClick={() => void check()}
                  loading={reconcile.busy === 'reconcile'}
                  data-testid="reconcile-run"
                >
                  {t('gig.console.runReconcile')}
                </Button>
              </div>
              {reconcile.error && <ProblemAlert error={reconcile.error} />}
              {status && <ReconcileChecks status={status} />}
            </Flex>
          </Card>
        </Col>
      </Row>
    </div>
  );
}
