import type { AccessAuditEntry } from '@jiedao/contracts';
import { Card, DatePicker, Flex, Table, Tag, Typography } from 'antd';
import type { TableProps } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { toQuery } from '../api/client';
import { useApi } from '../api/useApi';
// Month and weekday names in the date picker follow the UI language.
import '../components/dayjsLocale';
import { ProblemAlert } from '../components/ProblemAlert';
import { useDocumentTitle } from '../components/useDocumentTitle';
import { useLabels } from '../components/useLabels';
import { formatDateTime, shanghaiDayRange } from '../format';
import { useElderMode } from '../prefs/ElderMode';

interface Paged<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

const DAY_FORMAT = 'YYYY-MM-DD';

export default function AuditPage() {
  const { t } = useTranslation();
  const labels = useLabels();
  const { elder } = useElderMode();
  const [range, setRange] = useState<[string, string] | null>(null);
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);
  useDocumentTitle(t('audit.title'));

  const { from, to } = shanghaiDayRange(range?.[0] ?? null, range?.[1] ?? null);
  const audit = useApi<Paged<AccessAuditEntry>>(
    `/api/identity/access-audit${toQuery({ page, pageSize, from, to })}`,
  );

  const columns: TableProps<AccessAuditEntry>['columns'] = [
    {
      key: 'time',
      title: t('audit.time'),
      width: elder ? 230 : 180,
      render: (_, entry) => (
        <time dateTime={entry.createdAt} className="mono">
          {formatDateTime(entry.createdAt)}
        </time>
      ),
    },
    {
      key: 'actor',
      title: t('audit.actor'),
      width: elder ? 260 : 220,
      render: (_, entry) => (
        <Flex gap={6} wrap="wrap" align="center">
          <Typography.Text strong>{entry.actorName}</Typography.Text>
          <Tag variant="outlined">{labels.role(entry.actorRole)}</Tag>
        </Flex>
      ),
    },
    {
      key: 'subject',
      title: t('audit.subject'),
      dataIndex: 'subjectName',
      width: elder ? 160 : 130,
    },
    {
      key: 'fields',
      title: t('audit.fields'),
      width: elder ? 220 : 170,
      render: (_, entry) => (
        <Flex gap={4} wrap="wrap">
          {entry.fields.map((field) => (
            <Tag key={field} color={elder ? undefined : 'orange'} variant={elder ? 'outlined' : 'filled'}>
              {labels.piiField(field)}
            </Tag>
          ))}
        </Flex>
      ),
    },
    {
      key: 'purpose',
      title: t('audit.purpose'),
      dataIndex: 'purpose',
      width: elder ? 280 : 240,
    },
    {
      key: 'requestId',
      title: t('audit.requestId'),
      width: elder ? 400 : 330,
      render: (_, entry) => (
        <Typography.Text className="mono nowrap" copyable={elder ? false : { text: entry.requestId }}>
          {entry.requestId}
        </Typography.Text>
      ),
    },
  ];

  return (
    <div className="page">
      <Flex vertical gap={4} className="page-heading">
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('audit.title')}
        </Typography.Title>
        <Typography.Text type="secondary">{t('audit.intro')}</Typography.Text>
      </Flex>
      <Card className="filters-card" variant="outlined">
        <Flex gap={12} wrap="wrap" align="center" role="search" aria-label={t('audit.dateRange')}>
          <Typography.Text id="audit-range-label">{t('audit.dateRange')}</Typography.Text>
          <DatePicker.RangePicker
            aria-labelledby="audit-range-label"
            value={range ? [dayjs(range[0], DAY_FORMAT), dayjs(range[1], DAY_FORMAT)] : null}
            format={DAY_FORMAT}
            placeholder={[t('audit.startDate'), t('audit.endDate')]}
            allowClear
            onChange={(_, strings) => {
              const [start, end] = strings;
              setRange(start && end ? [start, end] : null);
              setPage(1);
            }}
            data-testid="audit-range"
          />
        </Flex>
      </Card>
      {audit.error && <ProblemAlert error={audit.error} onRetry={audit.reload} />}
      <div data-testid="audit-table">
        <Table<AccessAuditEntry>
          rowKey="id"
          columns={columns}
          dataSource={audit.data?.items ?? []}
          loading={audit.loading}
          size={elder ? 'large' : 'middle'}
          scroll={{ x: 'max-content' }}
          pagination={{
            current: page,
            pageSize,
            total: audit.data?.total ?? 0,
            showSizeChanger: true,
            showTotal: (total) => t('audit.total', { total }),
          }}
          onChange={(pagination) => {
            const nextSize = pagination.pageSize ?? pageSize;
            setPage(nextSize === pageSize ? (pagination.current ?? 1) : 1);
            setPageSize(nextSize);
          }}
        />
      </div>
    </div>
  );
}
