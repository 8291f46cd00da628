import { ReloadOutlined } from '@ant-design/icons';
import type { Payslip, Wallet } from '@jiedao/contracts';
import { Alert, Button, Card, Collapse, Empty, Flex, List, Spin, Statistic, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useApi } from '../../api/useApi';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useDocumentTitle } from '../../components/useDocumentTitle';
import { formatDateTime } from '../../format';
import { GIG_API } from '../gigApi';
import { useLiveChannel } from '../GigLive';
import { useGigLabels } from '../labels';
import { formatFen } from '../money';
import { LocalDateTime, Money, PayoutStateTag, useDuration } from '../ui';

function PayslipBody({ payslip }: { payslip: Payslip }) {
  const { t } = useTranslation();
  const duration = useDuration();
  return (
    <Flex vertical gap={8}>
      <Typography.Text>
        {t('gig.wallet.toAccount', { account: payslip.payoutAccount })} ·{' '}
        <span className="mono">{formatDateTime(payslip.requestedAt)}</span>
        {payslip.finishedAt ? (
          <>
            {' → '}
            <span className="mono">{formatDateTime(payslip.finishedAt)}</span>
          </>
        ) : null}
      </Typography.Text>
      {payslip.refusal && (
        <Alert type="error" showIcon title={t('gig.wallet.refused', { reason: payslip.refusal })} />
      )}
      <List
        size="small"
        dataSource={payslip.lines}
        rowKey="assignmentId"
        renderItem={(line) => (
          <List.Item extra={<Money fen={line.amountFen} />}>
            <Flex vertical gap={2}>
              <span>{line.jobTitle}</span>
              <span className="muted-small">
                <LocalDateTime iso={line.shiftStartsAt} /> ·{' '}
                {t('gig.wallet.worked', { time: duration(line.workedMinutes) })}
              </span>
            </Flex>
          </List.Item>
        )}
      />
    </Flex>
  );
}

/** 钱包: the balance, every movement, and the payslips of each settlement period. */
export function WalletPage() {
  const { t } = useTranslation();
  const labels = useGigLabels();
  useDocumentTitle(t('gig.wallet.title'));
  const wallet = useApi<Wallet>(`${GIG_API}/worker/wallet`);
  const payslips = useApi<Payslip[]>(`${GIG_API}/worker/payslips`);
  const reloadWallet = wallet.reload;
  const reloadPayslips = payslips.reload;
  // A confirmed shift or a settled period changes the balance.
  useLiveChannel('assignments', reloadWallet);
  useLiveChannel('inbox', reloadPayslips);

  return (
    <>
      <Flex justify="space-between" align="center" gap={8} wrap="wrap" className="page-heading">
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('gig.wallet.title')}
        </Typography.Title>
        <Button
          icon={<ReloadOutlined />}
          size="large"
          onClick={() => {
            reloadWallet();
            reloadPayslips();
          }}
          loading={wallet.loading || payslips.loading}
        >
          {t('common.refresh')}
        </Button>
      </Flex>
      {wallet.error && <ProblemAlert error={wallet.error} onRetry={reloadWallet} />}
      {!wallet.data && !wallet.error && <Spin />}
      {wallet.data && (
        <Card className="mobile-card" data-testid="wallet">
          <Flex gap={32} wrap="wrap">
            <Statistic
              title={t('gig.wallet.balance')}
              value={formatFen(wallet.data.balanceFen)}
              data-testid="wallet-balance"
            />
            <Statistic title={t('gig.wallet.available')} value={formatFen(wallet.data.availableFen)} />
          </Flex>
          <Typography.Paragraph type="secondary" style={{ marginTop: 12 }}>
            {t('gig.wallet.cycle', { cycle: labels.cycle(wallet.data.settlementCycle) })}
            {wallet.data.payoutAccount
              ? ` · ${t('gig.wallet.toAccount', { account: wallet.data.payoutAccount })}`
              : ''}
          </Typography.Paragraph>
          {!wallet.data.payoutAccount && (
            <Alert
              type="warning"
              showIcon
              role="alert"
              title={t('gig.wallet.noAccount')}
              description={<Link to="/gig/worker/profile">{t('gig.wallet.setAccount')}</Link>}
            />
          )}
        </Card>
      )}
      {wallet.data && (
        <Card className="mobile-card" title={t('gig.wallet.entries')}>
          {wallet.data.entries.length === 0 ? (
            <Empty description={t('gig.wallet.noEntries')} />
          ) : (
            <List
              dataSource={wallet.data.entries}
              rowKey={(entry) => `${entry.transferId}:${entry.code}:${entry.pending ? 'p' : 'x'}`}
              renderItem={(entry) => (
                <List.Item extra={<Money fen={entry.amountFen} signed strong />} data-testid="wallet-entry">
                  <Flex vertical gap={2}>
                    <Flex gap={6} align="center" wrap="wrap">
                      <span>{labels.walletCode(entry.code)}</span>
                      {entry.pending && <Tag color="gold">{t('gig.wallet.pending')}</Tag>}
                    </Flex>
                    {entry.memo && <span className="muted-small">{entry.memo}</span>}
                    <span className="muted-small mono">{formatDateTime(entry.at)}</span>
                  </Flex>
                </List.Item>
              )}
            />
          )}
        </Card>
      )}
      <Typography.Title level={4} style={{ margin: 0 }}>
        {t('gig.wallet.payslips')}
      </Typography.Title>
      {payslips.error && <ProblemAlert error={payslips.error} onRetry={reloadPayslips} />}
      {payslips.data && payslips.data.length === 0 && <Empty description={t('gig.wallet.noPayslips')} />}
      {payslips.data && payslips.data.length > 0 && (
        <Collapse
          data-testid="payslips"
          items={payslips.data.map((payslip) => ({
            key: payslip.id,
            label: (
              <Flex justify="space-between" gap={8} wrap="wrap">
                <span className="mono">{payslip.periodKey}</span>
                <Flex gap={8} align="center">
                  <Money fen={payslip.amountFen} strong />
                  <PayoutStateTag state={payslip.state} />
                </Flex>
              </Flex>
            ),
            children: <PayslipBody payslip={payslip} />,
          }))}
        />
      )}
    </>
  );
}
