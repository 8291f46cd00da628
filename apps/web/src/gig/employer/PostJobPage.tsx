import type { Job, JobInput, Site } from '@jiedao/contracts';
import { Alert, Card, Spin, Typography } from 'antd';
import type { FormInstance } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { useApi } from '../../api/useApi';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useDocumentTitle } from '../../components/useDocumentTitle';
import { GIG_API, gigApi } from '../gigApi';
import { JobForm, showJobErrors } from '../JobForm';
import type { JobFormValues } from '../jobForm';
import { useSubmission } from '../useSubmission';
import { useEmployer } from './employerContext';

/** 发布零工: the job form, with what hiring everyone would hold from the balance. */
export function PostJobPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('gig.postJob.title'));
  const navigate = useNavigate();
  const employer = useEmployer();
  const sites = useApi<Site[]>(`${GIG_API}/employer/sites`);
  const submission = useSubmission();

  const post = async (input: JobInput, form: FormInstance<JobFormValues>) => {
    const outcome = await submission.submit(input, (key) =>
      gigApi<Job>('/jobs', { method: 'POST', body: input, idempotencyKey: key }),
    );
    if (outcome.ok)
      void navigate(`/gig/employer/jobs/${encodeURIComponent(outcome.value.id)}`, {
        state: { posted: true },
      });
    else showJobErrors(form, outcome.error);
  };

  return (
    <>
      <Typography.Title level={3} style={{ margin: 0 }}>
        {t('gig.postJob.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
        {t('gig.postJob.intro')}
      </Typography.Paragraph>
      {sites.error && <ProblemAlert error={sites.error} onRetry={sites.reload} />}
      {!sites.data && !sites.error && <Spin />}
      {sites.data && sites.data.length === 0 && (
        <Alert
          type="warning"
          showIcon
          title={t('gig.postJob.noSites')}
          description={<Link to="/gig/employer/sites">{t('gig.postJob.addSite')}</Link>}
          data-testid="post-job-no-sites"
        />
      )}
      {sites.data && sites.data.length > 0 && (
        <Card className="mobile-card">
          <JobForm
            sites={sites.data}
            onSubmit={(input, form) => void post(input, form)}
            busy={submission.busy}
            error={submission.error}
            available={employer.profile.balances.availableFen}
          />
        </Card>
      )}
    </>
  );
}
