import { CheckCircleFilled, CloseCircleFilled, ReloadOutlined } from '@ant-design/icons';
import type { GigKpis, ReconcileStatus } from '@jiedao/contracts';
import { Alert, Button, Card, Col, Flex, List, Row, Statistic, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useApi } from '../../api/useApi';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useDocumentTitle } from '../../components/useDocumentTitle';
import { formatDateTime } from '../../format';
import { formatRate } from '../../governance/kpi';
import { GIG_API } from '../gigApi';
import { formatFen } from '../money';
import { useDuration } from '../ui';

/** The reconciliation checks, each passed or failed with its detail. */
export function ReconcileChecks({ status }: { status: ReconcileStatus }) {
  const { t } = useTranslation();
  return (
    <Flex vertical gap={8} data-testid="reconcile">
      <Alert
        type={status.ok ? 'success' : 'error'}
        showIcon
        title={status.ok ? t('gig.console.reconcileOk') : t('gig.console.reconcileFailed')}
        description={t('gig.console.checkedAt', { at: formatDateTime(status.checkedAt) })}
      />
      <List
        size="small"
        dataSource={status.checks}
        rowKey="name"
        renderItem={(check) => (
          <List.Item data-testid="reconcile-check" data-ok={check.ok}>
            <Flex gap={8} align="start">
              {check.ok ? (
                <CheckCircleFilled style={{ color: '#237804' }} aria-label={t('gig.console.checkOk')} />
              ) : (
                <CloseCircleFilled style={{ color: '#cf1322' }} aria-label={t('gig.console.checkFailed')} />
              )}
              <Flex vertical gap={2}>
                <span className="mono">{check.name}</span>
                <span className="muted-small">{check.detail}</span>
              </Flex>
            </Flex>
          </List.Item>
        )}
      />
    </Flex>
  );
}

/** 零工市场概览: today's market at a glance, for the operator. */
export function KpisPage() {
  const { t, i18n } = useTranslation();
  useDocumentTitle(t('gig.console.kpisTitle'));
  const duration = useDuration();
  const kpis = useApi<GigKpis>(`${GIG_API}/console/kpis`);
  const data = kpis.data;

  const figures = data
    ? [
        { key: 'jobsPosted', title: t('gig.console.jobsPosted'), value: String(data.jobsPosted) },
        { key: 'openJobs', title: t('gig.console.openJobs'), value: String(data.openJobs) },
        {
          key: 'fillRate',
          title: t('gig.console.fillRate'),
          value: formatRate(data.fillRate, i18n.language, t('common.none')),
          note: t('gig.console.hiredOfPositions', { hired: data.hired, positions: data.positions }),
        },
        {
          key: 'timeToFill',
          title: t('gig.console.medianTimeToFill'),
          value:
            data.medianTimeToFillMinutes === null
              ? t('common.none')
              : duration(Math.round(data.medianTimeToFillMinutes)),
        },
        {
          key: 'wagesPaid',
          title: t('gig.console.wagesPaidToday'),
          value: formatFen(data.wagesPaidTodayFen),
        },
        { key: 'shifts', title: t('gig.console.shiftsToday'), value: String(data.shiftsToday) },
        {
          key: 'noShows',
          title: t('gig.console.noShowsToday'),
          value: String(data.noShowsToday),
          tone: data.noShowsToday > 0 ? 'warn' : undefined,
        },
        {
          key: 'disputes',
          title: t('gig.console.openDisputes'),
          value: String(data.openDisputes),
          tone: data.openDisputes > 0 ? 'alarm' : undefined,
          link: '/gig/console/disputes',
        },
        { key: 'workers', title: t('gig.console.workers'), value: String(data.workers) },
        { key: 'employers', title: t('gig.console.employers'), value: String(data.employers) },
      ]
    : [];

  return (
    <div data-testid="gig-kpis">
      <Flex justify="space-between" align="center" wrap="wrap" gap={12} className="page-heading">
        <Flex vertical gap={4}>
          <Typography.Title level={3} style={{ margin: 0 }}>
            {t('gig.console.kpisTitle')}
          </Typography.Title>
          {data && (
            <Typography.Text type="secondary">{t('gig.console.day', { day: data.day })}</Typography.Text>
          )}
        </Flex>
        <Button icon={<ReloadOutlined />} onClick={kpis.reload} loading={kpis.loading}>
          {t('common.refresh')}
        </Button>
      </Flex>
      {kpis.error && <ProblemAlert error={kpis.error} onRetry={kpis.reload} />}
      {data && (
        <Flex vertical gap={16}>
          <Row gutter={[16, 16]}>
            {figures.map((figure) => (
              <Col key={figure.key} xs={12} md={8} xl={6}>
                <Card size="small" data-testid={`gig-kpi-${figure.key}`}>
                  <Statistic
                    title={figure.title}
                    value={figure.value}
                    className={figure.tone ? `stat stat-${figure.tone}` : 'stat'}
                  />
                  {figure.note && <Typography.Text type="secondary">{figure.note}</Typography.Text>}
                  {figure.link && (
                    <div>
                      <Link to={figure.link}>{t('gig.console.view')}</Link>
                    </div>
                  )}
                </Card>
              </Col>
            ))}
          </Row>
          <Row gutter={[16, 16]}>
            <Col xs={24} lg={10}>
              <Card
                title={t('gig.console.payouts')}
                size="small"
                extra={<Link to="/gig/console/payouts">{t('gig.console.view')}</Link>}
              >
                <Flex gap={24} wrap="wrap">
                  <Statistic title={t('gig.payoutState.requested')} value={data.payouts.requested} />
                  <Statistic title={t('gig.payoutState.submitted')} value={data.payouts.submitted} />
                  <Statistic
                    title={t('gig.payoutState.paid')}
                    value={data.payouts.paid}
                    className="stat stat-ok"
                  />
                  <Statistic
                    title={t('gig.payoutState.refused')}
                    value={data.payouts.refused}
                    className={data.payouts.refused > 0 ? 'stat stat-alarm' : 'stat'}
                  />
                </Flex>
                {data.payouts.failingAttempts > 0 && (
                  <Alert
                    type="warning"
                    showIcon
                    style={{ marginTop: 12 }}
                    title={t('gig.console.failingPayouts', { payouts: data.payouts.failingAttempts })}
                    data-testid="failing-payouts"
                  />
                )}
              </Card>
            </Col>
            <Col xs={24} lg={14}>
              <Card
                title={t('gig.console.reconcile')}
                size="small"
                extra={<Link to="/gig/console/settlement">{t('gig.console.runReconcile')}</Link>}
              >
                {data.reconcile ? (
                  <ReconcileChecks status={data.reconcile} />
                ) : (
                  <Tag>{t('gig.console.neverReconciled')}</Tag>
                )}
              </Card>
            </Col>
          </Row>
        </Flex>
      )}
    </div>
  );
}
