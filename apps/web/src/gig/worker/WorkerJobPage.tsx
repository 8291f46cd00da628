import { ArrowLeftOutlined, CheckCircleFilled } from '@ant-design/icons';
import type { Application, Job } from '@jiedao/contracts';
import { Button, Card, Flex, Form, Input, Spin, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { useApi } from '../../api/useApi';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useDocumentTitle } from '../../components/useDocumentTitle';
import { GIG_API, gigApi } from '../gigApi';
import { JobDetails } from '../JobDetails';
import { useSubmission } from '../useSubmission';

function distanceFrom(state: unknown): number | null {
  if (typeof state !== 'object' || state === null) return null;
  const value = (state as { distanceKm?: unknown }).distanceKm;
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** One job from the feed or the inbox: its terms, and 申请 with an optional note. */
export function WorkerJobPage() {
  const { t } = useTranslation();
  const { jobId = '' } = useParams();
  const location = useLocation();
  const navigate = useNavigate();
  const job = useApi<Job>(`${GIG_API}/jobs/${encodeURIComponent(jobId)}`);
  useDocumentTitle(job.data?.title ?? t('gig.job.title'));
  const submission = useSubmission();
  const [applied, setApplied] = useState<Application | null>(null);
  const [form] = Form.useForm<{ note?: string }>();

  const apply = async ({ note }: { note?: string }) => {
    const trimmed = note?.trim();
    const body = trimmed ? { note: trimmed } : {};
    const outcome = await submission.submit({ jobId, ...body }, (key) =>
      gigApi<Application>(`/jobs/${encodeURIComponent(jobId)}/apply`, {
        method: 'POST',
        body,
        idempotencyKey: key,
      }),
    );
    if (outcome.ok) setApplied(outcome.value);
  };

  const open = job.data?.status === 'open';

  return (
    <>
      <Link to="/gig/worker" className="back-link">
        <ArrowLeftOutlined /> {t('gig.feed.back')}
      </Link>
      {job.error && <ProblemAlert error={job.error} onRetry={job.reload} />}
      {!job.data && !job.error && <Spin />}
      {job.data && (
        <Card className="mobile-card" data-testid="worker-job">
          <Typography.Title level={3} style={{ marginTop: 0 }}>
            {job.data.title}
          </Typography.Title>
          <JobDetails job={job.data} distanceKm={distanceFrom(location.state)} />
        </Card>
      )}
      {job.data && applied && (
        <Card className="mobile-card report-success" data-testid="apply-success">
          <Flex vertical gap={12} align="center">
            <CheckCircleFilled className="report-success-icon" aria-hidden="true" />
            <Typography.Paragraph strong className="report-success-text" role="status">
              {t('gig.apply.done')}
            </Typography.Paragraph>
            <Button
              type="primary"
              size="large"
              className="big-button"
              onClick={() => void navigate('/gig/worker/applications')}
            >
              {t('gig.apply.viewApplications')}
            </Button>
          </Flex>
        </Card>
      )}
      {job.data && !applied && open && (
        <Card className="mobile-card">
          <Form form={form} layout="vertical" requiredMark={false} onFinish={(values) => void apply(values)}>
            <Form.Item name="note" label={t('gig.apply.note')} extra={t('gig.apply.noteHint')}>
              <Input.TextArea
                autoSize={{ minRows: 2, maxRows: 4 }}
                maxLength={200}
                showCount
                data-testid="apply-note"
              />
            </Form.Item>
            {submission.error && <ProblemAlert error={submission.error} />}
            <Button
              type="primary"
              htmlType="submit"
              size="large"
              block
              className="big-button"
              loading={submission.busy}
              data-testid="apply-submit"
            >
              {t('gig.apply.submit')}
            </Button>
          </Form>
        </Card>
      )}
      {job.data && !open && (
        <Typography.Paragraph type="secondary" role="status">
          {t('gig.apply.closed')}
        </Typography.Paragraph>
      )}
    </>
  );
}
