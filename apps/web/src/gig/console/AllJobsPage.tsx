import type { Job } from '@jiedao/contracts';
import { GIG_JOB_STATUSES } from '@jiedao/contracts/constants';
import { Flex, Segmented, Table, Typography } from 'antd';
import type { TableProps } from 'antd';
import { useTranslation } from 'react-i18next';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useDocumentTitle } from '../../components/useDocumentTitle';
import { formatDateTime } from '../../format';
import { useGigLabels } from '../labels';
import { JobStatusTag, ShiftTimes } from '../ui';
import { sortByStart } from '../time';
import { useFilteredPage } from '../useFilteredPage';

type Filter = (typeof GIG_JOB_STATUSES)[number] | 'all';
const FILTERS: readonly Filter[] = ['all', ...GIG_JOB_STATUSES];

/** 全部岗位: every job in the subdistrict's market, whoever posted it and how. */
export function AllJobsPage() {
  const { t } = useTranslation();
  const labels = useGigLabels();
  useDocumentTitle(t('gig.allJobs.title'));
  const { filter, list, setFilter, pagination } = useFilteredPage<Job, Filter>(
    '/jobs',
    'status',
    FILTERS,
    'all',
  );

  const columns: TableProps<Job>['columns'] = [
    {
      key: 'title',
      title: t('gig.allJobs.job'),
      fixed: 'left',
      width: 220,
      render: (_, job) => (
        <Flex vertical gap={2}>
          <span>{job.title}</span>
          <span className="muted-small">{labels.category(job.category)}</span>
        </Flex>
      ),
    },
    { key: 'employer', title: t('gig.job.employer'), dataIndex: 'employerName', width: 180 },
    { key: 'site', title: t('gig.job.site'), width: 180, render: (_, job) => job.site.name },
    {
      key: 'wage',
      title: t('gig.job.wage'),
      width: 130,
      render: (_, job) => <span className="mono">{labels.wage(job.wageKind, job.wageFen)}</span>,
    },
    {
      key: 'hired',
      title: t('gig.job.headcount'),
      width: 100,
      align: 'right',
      render: (_, job) => `${job.hiredCount} / ${job.headcount}`,
    },
    {
      key: 'shifts',
      title: t('gig.allJobs.firstShift'),
      width: 230,
      render: (_, job) => {
        const first = sortByStart(job.shifts)[0];
        return first ? <ShiftTimes startsAt={first.startsAt} endsAt={first.endsAt} /> : t('common.none');
      },
    },
    {
      key: 'status',
      title: t('gig.job.status'),
      width: 90,
      render: (_, job) => <JobStatusTag status={job.status} />,
    },
    { key: 'via', title: t('gig.allJobs.postedVia'), width: 90, render: (_, job) => job.postedVia },
    {
      key: 'pushed',
      title: t('gig.allJobs.pushed'),
      width: 120,
      render: (_, job) => t('gig.allJobs.pushedValue', { workers: job.pushedCount, waves: job.wavesSent }),
    },
    {
      key: 'opened',
      title: t('gig.job.openedAt'),
      width: 170,
      render: (_, job) => <span className="mono">{formatDateTime(job.openedAt)}</span>,
    },
    {
      key: 'filled',
      title: t('gig.allJobs.filledAt'),
      width: 170,
      render: (_, job) => (
        <span className="mono">{job.filledAt ? formatDateTime(job.filledAt) : t('common.none')}</span>
      ),
    },
  ];

  return (
    <div>
      <Flex justify="space-between" align="center" wrap="wrap" gap={12} className="page-heading">
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('gig.allJobs.title')}
        </Typography.Title>
        <Segmented<Filter>
          value={filter}
          onChange={(value) => {
            setFilter(value);
          }}
          options={[
            { value: 'all', label: t('gig.common.all') },
            ...GIG_JOB_STATUSES.map((value) => ({ value, label: labels.jobStatus(value) })),
          ]}
          data-testid="all-jobs-filter"
        />
      </Flex>
      {list.error && <ProblemAlert error={list.error} onRetry={list.reload} />}
      <div data-testid="all-jobs-table">
        <Table<Job>
          rowKey="id"
          size="middle"
          columns={columns}
          dataSource={list.data?.items ?? []}
          loading={list.loading}
          scroll={{ x: 'max-content' }}
          locale={{ emptyText: t('gig.allJobs.empty') }}
          pagination={pagination}
        />
      </div>
    </div>
  );
}
