import type { Job, Site, WorkerCard } from '@jiedao/contracts';
import { Alert, Card, Empty, Flex, Spin, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { toQuery } from '../../api/client';
import { useApi } from '../../api/useApi';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useDocumentTitle } from '../../components/useDocumentTitle';
import type { Paged } from '../../governance/types';
import { GIG_API } from '../gigApi';
import { useGigLabels } from '../labels';
import { FilterChips, WorkerSummary } from '../ui';
import { CandidateCard } from './EmployerJobPage';

const ALL = 'all';

/** 找工人: registered workers by category, certificate and distance from a site; invite one to a job. */
export function WorkerSearchPage() {
  const { t } = useTranslation();
  const labels = useGigLabels();
  useDocumentTitle(t('gig.search.title'));
  const [category, setCategory] = useState<string>(ALL);
  const [skill, setSkill] = useState<string>(ALL);
  const [siteId, setSiteId] = useState<string>(ALL);
  const [jobId, setJobId] = useState<string | null>(null);
  const sites = useApi<Site[]>(`${GIG_API}/employer/sites`);
  const jobs = useApi<Paged<Job>>(`${GIG_API}/employer/jobs${toQuery({ status: 'open', pageSize: 100 })}`);
  const workers = useApi<WorkerCard[]>(
    `${GIG_API}/workers${toQuery({
      category: category === ALL ? undefined : category,
      skill: skill === ALL ? undefined : skill,
      siteId: siteId === ALL ? undefined : siteId,
      limit: 30,
    })}`,
  );
  const openJobs = jobs.data?.items ?? [];
  const chosenJob = openJobs.find((job) => job.id === jobId) ?? null;

  return (
    <>
      <Typography.Title level={3} style={{ margin: 0 }}>
        {t('gig.search.title')}
      </Typography.Title>
      <Card className="mobile-card" size="small">
        <Flex vertical gap={12}>
          <Typography.Text strong>{t('gig.search.category')}</Typography.Text>
          <FilterChips
            options={[{ value: ALL, label: t('gig.common.all') }, ...labels.categoryOptions]}
            value={category}
            onChange={setCategory}
            label={t('gig.search.category')}
            testIdPrefix="search-category"
          />
          <Typography.Text strong>{t('gig.search.skill')}</Typography.Text>
          <FilterChips
            options={[{ value: ALL, label: t('gig.search.anySkill') }, ...labels.skillOptions]}
            value={skill}
            onChange={setSkill}
            label={t('gig.search.skill')}
            testIdPrefix="search-skill"
          />
          {sites.data && sites.data.length > 0 && (
            <>
              <Typography.Text strong>{t('gig.search.near')}</Typography.Text>
              <FilterChips
                options={[
                  { value: ALL, label: t('gig.search.anywhere') },
                  ...sites.data.map((site) => ({ value: site.id, label: site.name })),
                ]}
                value={siteId}
                onChange={setSiteId}
                label={t('gig.search.near')}
                testIdPrefix="search-site"
              />
            </>
          )}
        </Flex>
      </Card>
      <Card className="mobile-card" size="small">
        <Flex vertical gap={8}>
          <Typography.Text strong>{t('gig.search.inviteTo')}</Typography.Text>
          {jobs.error && <ProblemAlert error={jobs.error} onRetry={jobs.reload} />}
          {jobs.data && openJobs.length === 0 && (
            <Typography.Text type="secondary">
              {t('gig.search.noOpenJobs')} <Link to="/gig/employer/jobs/new">{t('gig.postJob.title')}</Link>
            </Typography.Text>
          )}
          {openJobs.length > 0 && (
            <FilterChips
              options={openJobs.map((job) => ({ value: job.id, label: job.title }))}
              value={jobId ?? ''}
              onChange={setJobId}
              label={t('gig.search.inviteTo')}
              testIdPrefix="search-job"
            />
          )}
        </Flex>
      </Card>
      {workers.error && <ProblemAlert error={workers.error} onRetry={workers.reload} />}
      {!workers.data && !workers.error && <Spin />}
      {workers.data && workers.data.length === 0 && <Empty description={t('gig.search.empty')} />}
      {workers.data && workers.data.length > 0 && !chosenJob && (
        <Alert type="info" showIcon title={t('gig.search.chooseJob')} />
      )}
      <Flex vertical gap={12} data-testid="worker-search">
        {workers.data?.map((worker) =>
          chosenJob ? (
            <CandidateCard
              key={`${chosenJob.id}:${worker.id}`}
              jobId={chosenJob.id}
              worker={worker}
              onInvited={() => undefined}
            />
          ) : (
            <Card key={worker.id} className="mobile-card" data-testid="worker-card">
              <WorkerSummary worker={worker} />
            </Card>
          ),
        )}
      </Flex>
    </>
  );
}
