import { DownloadOutlined } from '@ant-design/icons';
import type { GigPayout } from '@jiedao/contracts';
import { GIG_PAYOUT_STATES } from '@jiedao/contracts/constants';
import { Button, Flex, Segmented, Table, Typography } from 'antd';
import type { TableProps } from 'antd';
import { useTranslation } from 'react-i18next';
import { download, toQuery } from '../../api/client';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useDocumentTitle } from '../../components/useDocumentTitle';
import { formatDateTime } from '../../format';
import { GIG_API } from '../gigApi';
import { useGigLabels } from '../labels';
import { useFilteredPage } from '../useFilteredPage';
import { Money, PayoutStateTag } from '../ui';
import { useAction } from '../useSubmission';

type Filter = (typeof GIG_PAYOUT_STATES)[number] | 'all';
const FILTERS: readonly Filter[] = ['all', ...GIG_PAYOUT_STATES];

/** 工资代发: every payout to a worker's card, its attempts and outcome, and the same list in Excel. */
export function PayoutsPage() {
  const { t } = useTranslation();
  const labels = useGigLabels();
  useDocumentTitle(t('gig.payouts.title'));
  const { filter, list, setFilter, pagination } = useFilteredPage<GigPayout, Filter>(
    '/payouts',
    'state',
    FILTERS,
    'all',
  );
  const exporting = useAction();

  const exportXlsx = () => {
    void exporting.run('export', () =>
      download(
        `${GIG_API}/payouts/export${toQuery({ state: filter === 'all' ? undefined : filter })}`,
        'gig-payouts.xlsx',
      ),
    );
  };

  const columns: TableProps<GigPayout>['columns'] = [
    {
      key: 'requestedAt',
      title: t('gig.payouts.requestedAt'),
      width: 170,
      render: (_, row) => <span className="mono">{formatDateTime(row.requestedAt)}</span>,
    },
    { key: 'worker', title: t('gig.payouts.worker'), dataIndex: 'workerName', width: 110 },
    {
      key: 'period',
      title: t('gig.payouts.period'),
      width: 120,
      render: (_, row) => <span className="mono">{row.periodKey}</span>,
    },
    {
      key: 'amount',
      title: t('gig.payouts.amount'),
      align: 'right',
      width: 120,
      render: (_, row) => <Money fen={row.amountFen} />,
    },
    {
      key: 'account',
      title: t('gig.payouts.account'),
      width: 170,
      render: (_, row) => <span className="mono">{row.payoutAccount}</span>,
    },
    {
      key: 'state',
      title: t('gig.payouts.state'),
      width: 100,
      render: (_, row) => <PayoutStateTag state={row.state} />,
    },
    { key: 'attempts', title: t('gig.payouts.attempts'), dataIndex: 'attempts', align: 'right', width: 80 },
    {
      key: 'problem',
      title: t('gig.payouts.problem'),
      render: (_, row) => (
        <Flex vertical gap={2}>
          {row.refusal && <Typography.Text type="danger">{row.refusal}</Typography.Text>}
          {row.lastError && <span className="muted-small mono">{row.lastError}</span>}
          {!row.refusal && !row.lastError && t('common.none')}
        </Flex>
      ),
    },
    {
      key: 'finishedAt',
      title: t('gig.payouts.finishedAt'),
      width: 170,
      render: (_, row) => (
        <span className="mono">{row.finishedAt ? formatDateTime(row.finishedAt) : t('common.none')}</span>
      ),
    },
  ];

  return (
    <div>
      <Flex justify="space-between" align="center" wrap="wrap" gap={12} className="page-heading">
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('gig.payouts.title')}
        </Typography.Title>
        <Flex gap={8} wrap="wrap">
          <Segmented<Filter>
            value={filter}
            onChange={(value) => {
              setFilter(value);
            }}
            options={[
              { value: 'all', label: t('gig.common.all') },
              ...GIG_PAYOUT_STATES.map((value) => ({ value, label: labels.payoutState(value) })),
            ]}
            data-testid="payouts-filter"
          />
          <Button
            type="primary"
            icon={<DownloadOutlined />}
            onClick={exportXlsx}
            loading={exporting.busy === 'export'}
            data-testid="payouts-export"
          >
            {t('gig.payouts.export')}
          </Button>
        </Flex>
      </Flex>
      {exporting.error && <ProblemAlert error={exporting.error} title={t('gig.payouts.exportFailed')} />}
      {list.error && <ProblemAlert error={list.error} onRetry={list.reload} />}
      <div data-testid="payouts-table">
        <Table<GigPayout>
          rowKey="id"
          size="middle"
          columns={columns}
          dataSource={list.data?.items ?? []}
          loading={list.loading}
          scroll={{ x: 'max-content' }}
          locale={{ emptyText: t('gig.payouts.empty') }}
          pagination={{ ...pagination, showTotal: (total) => t('gig.payouts.total', { total }) }}
        />
      </div>
    </div>
  );
}
