import { DownloadOutlined } from '@ant-design/icons';
import type { KpiReport, KpiRow } from '@jiedao/contracts';
import { Button, Card, DatePicker, Flex, Segmented, Table, Typography } from 'antd';
import type { TableProps } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { download, type ApiError, toApiError, toQuery } from '../api/client';
import { useApi } from '../api/useApi';
import '../components/dayjsLocale';
import { ProblemAlert } from '../components/ProblemAlert';
import { useDocumentTitle } from '../components/useDocumentTitle';
import { formatRate, monthToDate, RATE_GOOD, RATE_POOR, rateTone } from '../governance/kpi';
import { useGovLabels } from '../governance/useGovLabels';
// The command center's text comes with its pages (see i18n/governance.ts).
import '../i18n/governance';

const GROUPS = ['community', 'grid', 'unit'] as const;
type GroupBy = (typeof GROUPS)[number];
const DAY = /^\d{4}-\d{2}-\d{2}$/;

function RateCell({ rate }: { rate: number | null }) {
  const { t, i18n } = useTranslation();
  return (
    <span className={`rate rate-${rateTone(rate)} mono`}>
      {formatRate(rate, i18n.language, t('common.none'))}
    </span>
  );
}

/** 考核: the three rates (三率) per community, grid or unit over a period, and the same table in Excel. */
export default function KpiPage() {
  const { t, i18n } = useTranslation();
  const gov = useGovLabels();
  const [params, setParams] = useSearchParams();
  useDocumentTitle(t('kpis.title'));
  const [defaultFrom, defaultTo] = monthToDate(new Date());
  const groupParam = params.get('groupBy');
  const groupBy: GroupBy = GROUPS.find((group) => group === groupParam) ?? 'community';
  const fromParam = params.get('from');
  const toParam = params.get('to');
  const from = fromParam && DAY.test(fromParam) ? fromParam : defaultFrom;
  const to = toParam && DAY.test(toParam) ? toParam : defaultTo;
  const query = { groupBy, from, to };
  const report = useApi<KpiReport>(`/api/governance/kpis${toQuery(query)}`);
  const [exporting, setExporting] = useState(false);
  const [exportError, setExportError] = useState<ApiError | null>(null);

  const update = (change: Partial<typeof query>) => {
    setParams({ ...query, ...change });
  };

  const exportXlsx = () => {
    setExporting(true);
    setExportError(null);
    download(`/api/governance/kpis${toQuery({ ...query, format: 'xlsx' })}`, `kpis-${from}-${to}.xlsx`)
      .catch((error: unknown) => {
        setExportError(toApiError(error));
      })
      .finally(() => {
        setExporting(false);
      });
  };

  // Under an hour in minutes; longer spans (a working week to close) as days and hours, which read at a glance.
  const minutes = (value: number | null) =>
    value === null
      ? t('common.none')
      : value < 60
        ? t('kpis.minutes', {
            minutes: new Intl.NumberFormat(i18n.language, { maximumFractionDigits: 0 }).format(value),
          })
        : gov.duration(Math.round(value) * 60_000);

  const columns: TableProps<KpiRow>['columns'] = [
    { key: 'name', title: t('kpis.name'), dataIndex: 'name', fixed: 'left', width: 180 },
    { key: 'cases', title: t('kpis.cases'), dataIndex: 'cases', align: 'right', width: 90 },
    {
      key: 'responseRate',
      title: t('kpis.responseRate'),
      align: 'right',
      width: 110,
      render: (_, row) => <RateCell rate={row.responseRate} />,
    },
    {
      key: 'onTimeCloseRate',
      title: t('kpis.onTimeCloseRate'),
      align: 'right',
      width: 120,
      render: (_, row) => <RateCell rate={row.onTimeCloseRate} />,
    },
    {
      key: 'satisfactionRate',
      title: t('kpis.satisfactionRate'),
      align: 'right',
      width: 110,
      render: (_, row) => <RateCell rate={row.satisfactionRate} />,
    },
    {
      key: 'resolutionRate',
      title: t('kpis.resolutionRate'),
      align: 'right',
      width: 110,
      render: (_, row) => <RateCell rate={row.resolutionRate} />,
    },
    {
      key: 'meanDispatch',
      title: t('kpis.meanDispatch'),
      align: 'right',
      width: 130,
      render: (_, row) => <span className="mono">{minutes(row.meanMinutesToDispatch)}</span>,
    },
    {
      key: 'meanClose',
      title: t('kpis.meanClose'),
      align: 'right',
      width: 130,
      render: (_, row) => <span className="mono">{minutes(row.meanMinutesToClose)}</span>,
    },
  ];

  const total = report.data?.total;
  const percent = (value: number) => formatRate(value, i18n.language, '');

  return (
    <div className="page">
      <Flex justify="space-between" align="center" wrap="wrap" gap={12} className="page-heading">
        <Flex vertical gap={4}>
          <Typography.Title level={3} style={{ margin: 0 }}>
            {t('kpis.title')}
          </Typography.Title>
          <Typography.Text type="secondary">{t('kpis.intro')}</Typography.Text>
        </Flex>
        <Button
          type="primary"
          icon={<DownloadOutlined />}
          onClick={exportXlsx}
          loading={exporting}
          data-testid="kpi-export"
        >
          {t('kpis.export')}
        </Button>
      </Flex>
      {exportError && <ProblemAlert error={exportError} title={t('kpis.exportFailed')} />}
      <Card className="filters-card" size="small">
        <Flex gap={16} wrap="wrap" align="center">
          <Segmented<GroupBy>
            value={groupBy}
            onChange={(value) => {
              update({ groupBy: value });
            }}
            options={[
              { value: 'community', label: t('kpis.byCommunity') },
              { value: 'grid', label: t('kpis.byGrid') },
              { value: 'unit', label: t('kpis.byUnit') },
            ]}
            aria-label={t('kpis.groupBy')}
            data-testid="kpi-group"
          />
          <DatePicker.RangePicker
            value={[dayjs(from), dayjs(to)]}
            allowClear={false}
            onChange={(range) => {
              const [start, end] = range ?? [];
              if (start && end) update({ from: start.format('YYYY-MM-DD'), to: end.format('YYYY-MM-DD') });
            }}
            aria-label={t('kpis.range')}
            data-testid="kpi-range"
          />
          <Typography.Text type="secondary">
            {t('kpis.thresholds', { good: percent(RATE_GOOD), poor: percent(RATE_POOR) })}
          </Typography.Text>
        </Flex>
      </Card>
      {report.error && <ProblemAlert error={report.error} onRetry={report.reload} />}
      <div data-testid="kpi-table">
        <Table<KpiRow>
          rowKey="key"
          size="middle"
          columns={columns}
          dataSource={report.data?.rows ?? []}
          loading={report.loading}
          locale={{ emptyText: t('kpis.empty') }}
          scroll={{ x: 'max-content' }}
          pagination={false}
          summary={() =>
            total ? (
              <Table.Summary fixed>
                <Table.Summary.Row className="kpi-total">
                  <Table.Summary.Cell index={0}>
                    <strong>{t('kpis.total')}</strong>
                  </Table.Summary.Cell>
                  <Table.Summary.Cell index={1} align="right">
                    <strong>{total.cases}</strong>
                  </Table.Summary.Cell>
                  <Table.Summary.Cell index={2} align="right">
                    <RateCell rate={total.responseRate} />
                  </Table.Summary.Cell>
                  <Table.Summary.Cell index={3} align="right">
                    <RateCell rate={total.onTimeCloseRate} />
                  </Table.Summary.Cell>
                  <Table.Summary.Cell index={4} align="right">
                    <RateCell rate={total.satisfactionRate} />
                  </Table.Summary.Cell>
                  <Table.Summary.Cell index={5} align="right">
                    <RateCell rate={total.resolutionRate} />
                  </Table.Summary.Cell>
                  <Table.Summary.Cell index={6} align="right">
                    <span className="mono">{minutes(total.meanMinutesToDispatch)}</span>
                  </Table.Summary.Cell>
                  <Table.Summary.Cell index={7} align="right">
                    <span className="mono">{minutes(total.meanMinutesToClose)}</span>
                  </Table.Summary.Cell>
                </Table.Summary.Row>
              </Table.Summary>
            ) : null
          }
        />
      </div>
    </div>
  );
}
