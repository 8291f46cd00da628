import { PlusOutlined, ReloadOutlined, RightOutlined } from '@ant-design/icons';
import type { Job } from '@jiedao/contracts';
import { GIG_JOB_STATUSES } from '@jiedao/contracts/constants';
import { Button, Card, Empty, Flex, Pagination, Progress, Spin, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useDocumentTitle } from '../../components/useDocumentTitle';
import { useLiveChannel } from '../GigLive';
import { useGigLabels } from '../labels';
import { useFilteredPage } from '../useFilteredPage';
import { FilterChips, FirstShift, JobStatusTag } from '../ui';
import { BalancesCard } from './BalancesCard';
import { useEmployer } from './employerContext';

type StatusFilter = (typeof GIG_JOB_STATUSES)[number] | 'all';
const FILTERS: readonly StatusFilter[] = [...GIG_JOB_STATUSES, 'all'];
const PAGE_SIZE = 10;

function JobCard({ job }: { job: Job }) {
  const { t } = useTranslation();
  const labels = useGigLabels();
  const percent = job.headcount > 0 ? Math.round((job.hiredCount / job.headcount) * 100) : 0;
  return (
    <Link
      to={`/gig/employer/jobs/${encodeURIComponent(job.id)}`}
      className="task-link"
      data-testid="employer-job"
    >
      <Card className="mobile-card task-item-card">
        <Flex justify="space-between" gap={8}>
          <Flex vertical gap={6} style={{ minWidth: 0, flex: 1 }}>
            <Flex gap={8} align="center" wrap="wrap">
              <Typography.Text strong className="task-item-title">
                {job.title}
              </Typography.Text>
              <JobStatusTag status={job.status} />
            </Flex>
            <Typography.Text>
              {labels.category(job.category)} · {labels.wage(job.wageKind, job.wageFen)} · {job.site.name}
            </Typography.Text>
            <FirstShift shifts={job.shifts} secondary />
            <Flex align="center" gap={8}>
              <Progress percent={percent} size="small" showInfo={false} style={{ width: 120, margin: 0 }} />
              <Typography.Text>
                {t('gig.job.hiredOf', { hired: job.hiredCount, headcount: job.headcount })}
              </Typography.Text>
            </Flex>
            {job.pushedCount > 0 && (
              <Typography.Text type="secondary" className="muted-small">
                {t('gig.employerJobs.pushed', { workers: job.pushedCount, waves: job.wavesSent })}
              </Typography.Text>
            )}
          </Flex>
          <RightOutlined className="task-item-arrow" aria-hidden="true" />
        </Flex>
      </Card>
    </Link>
  );
}

/** 我的招工: the balances and the employer's jobs, newest first, by status. */
export function EmployerJobsPage() {
  const { t } = useTranslation();
  const labels = useGigLabels();
  useDocumentTitle(t('gig.employerJobs.title'));
  const navigate = useNavigate();
  const employer = useEmployer();
  const {
    filter: status,
    list: jobs,
    setFilter,
    pagination,
  } = useFilteredPage<Job, StatusFilter>('/employer/jobs', 'status', FILTERS, 'all', PAGE_SIZE);
  useLiveChannel('applications', jobs.reload);

  return (
    <>
      <Flex justify="space-between" align="center" gap={8} wrap="wrap" className="page-heading">
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('gig.employerJobs.title')}
        </Typography.Title>
        <Flex gap={8}>
          <Button
            icon={<ReloadOutlined />}
            size="large"
            onClick={jobs.reload}
            loading={jobs.loading}
            aria-label={t('common.refresh')}
          />
          <Button
            type="primary"
            icon={<PlusOutlined />}
            size="large"
            onClick={() => void navigate('/gig/employer/jobs/new')}
            data-testid="post-job"
          >
            {t('gig.postJob.title')}
          </Button>
        </Flex>
      </Flex>
      <BalancesCard
        balances={employer.profile.balances}
        extra={
          <Link to="/gig/employer/funds" className="panel-link">
            {t('gig.funds.manage')}
          </Link>
        }
      />
      <FilterChips
        options={[
          { value: 'all', label: t('gig.common.all') },
          ...GIG_JOB_STATUSES.map((value) => ({ value, label: labels.jobStatus(value) })),
        ]}
        value={status}
        onChange={setFilter}
        label={t('gig.employerJobs.filter')}
        testIdPrefix="job-filter"
      />
      {jobs.error && <ProblemAlert error={jobs.error} onRetry={jobs.reload} />}
      {!jobs.data && !jobs.error && <Spin />}
      {jobs.data && jobs.data.items.length === 0 && <Empty description={t('gig.employerJobs.empty')} />}
      <Flex vertical gap={12} data-testid="employer-jobs">
        {jobs.data?.items.map((job) => (
          <JobCard key={job.id} job={job} />
        ))}
      </Flex>
      {jobs.data && jobs.data.total > PAGE_SIZE && (
        <Pagination simple {...pagination} style={{ alignSelf: 'center' }} />
      )}
    </>
  );
}
