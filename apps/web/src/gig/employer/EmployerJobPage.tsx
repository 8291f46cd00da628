import { ArrowLeftOutlined } from '@ant-design/icons';
import type { Application, Job, WorkerCard } from '@jiedao/contracts';
import { Alert, Button, Card, Checkbox, Empty, Flex, Input, Spin, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useParams } from 'react-router';
import { useApi } from '../../api/useApi';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useProblemText } from '../../components/problemText';
import { useDocumentTitle } from '../../components/useDocumentTitle';
import { useNotice } from '../../components/useNotice';
import { formatDateTime } from '../../format';
import { employerApplicationActions, signable } from '../contract';
import { ContractView } from '../ContractView';
import { GIG_API, gigApi, problemNumber } from '../gigApi';
import { useLiveChannel } from '../GigLive';
import { JobDetails } from '../JobDetails';
import { formatFen } from '../money';
import { ApplicationStateTag, ConfirmButton, FilterChips, WorkerSummary } from '../ui';
import { useOverride, usePatchedItems } from '../usePatchedItems';
import { useAction, useSubmission } from '../useSubmission';
import { useEmployer } from './employerContext';
import { TopUpForm } from './TopUpForm';

/**
 * 确认录用: the employer countersigns the terms the worker accepted (same hash). Hiring holds every
 * shift's wage from the balance; when it falls short, the top-up is right here, and the confirmation
 * can be sent again once it went through.
 */
function ConfirmPanel({
  application,
  onDone,
}: {
  application: Application;
  onDone: (updated: Application) => void;
}) {
  const { t } = useTranslation();
  const problemText = useProblemText();
  const employer = useEmployer();
  const submission = useSubmission();
  const [read, setRead] = useState(false);
  const [toppedUp, setToppedUp] = useState(false);
  const contract = signable(application);
  if (!contract) return <Alert type="warning" showIcon title={t('gig.applications.noTerms')} />;

  const confirm = async () => {
    setToppedUp(false);
    const body = { contractHash: contract.hash };
    const outcome = await submission.submit({ id: application.id, ...body }, (key) =>
      gigApi<Application>(`/applications/${encodeURIComponent(application.id)}/confirm`, {
        method: 'POST',
        body,
        idempotencyKey: key,
      }),
    );
    if (outcome.ok) onDone(outcome.value);
  };

  const shortfall = submission.error?.code === 'insufficient_funds' ? submission.error : null;
  const shortfallFen = problemNumber(shortfall, 'shortfallFen');

  return (
    <Flex vertical gap={12} className="gig-inline-panel" data-testid="confirm-panel">
      <ContractView terms={contract.terms} hash={contract.hash} />
      <Checkbox
        checked={read}
        onChange={(event) => {
          setRead(event.target.checked);
        }}
        className="gig-big-check"
        data-testid="confirm-read"
      >
        {t('gig.hire.readContract')}
      </Checkbox>
      {shortfall && !toppedUp && (
        <Alert
          type="warning"
          showIcon
          role="alert"
          title={problemText(shortfall)}
          description={
            <Flex vertical gap={8}>
              {/* The server's sentence usually names the shortfall already. */}
              {shortfallFen !== null && !problemText(shortfall).includes(formatFen(shortfallFen)) ? (
                <span>{t('gig.hire.shortfall', { amount: formatFen(shortfallFen) })}</span>
              ) : (
                <span>{t('gig.hire.topUpHere')}</span>
              )}
              <TopUpForm
                compact
                {...(shortfallFen !== null ? { initialFen: shortfallFen } : {})}
                onDone={(balances) => {
                  employer.setBalances(balances);
                  setToppedUp(true);
                }}
              />
            </Flex>
          }
          data-testid="insufficient-funds"
        />
      )}
      {toppedUp && <Alert type="success" showIcon role="status" title={t('gig.hire.toppedUp')} />}
      {submission.error && !shortfall && <ProblemAlert error={submission.error} />}
      <Button
        type="primary"
        size="large"
        block
        className="big-button"
        disabled={!read}
        loading={submission.busy}
        onClick={() => void confirm()}
        data-testid="confirm-submit"
      >
        {toppedUp ? t('gig.hire.confirmAgain') : t('gig.hire.confirm')}
      </Button>
    </Flex>
  );
}

function ApplicationCard({
  application,
  onChanged,
}: {
  application: Application;
  onChanged: (updated?: Application) => void;
}) {
  const { t } = useTranslation();
  const notice = useNotice();
  const action = useAction();
  const employer = useEmployer();
  const [confirming, setConfirming] = useState(false);
  const actions = employerApplicationActions(application.state);

  const move = async (name: 'offer' | 'reject', message: string) => {
    const outcome = await action.run(name, () =>
      gigApi<Application | undefined>(`/applications/${encodeURIComponent(application.id)}/${name}`, {
        method: 'POST',
      }),
    );
    if (outcome.ok) {
      notice.notify('success', message);
      onChanged(outcome.value ?? undefined);
    }
  };

  return (
    <Card className="mobile-card" data-testid="job-application" data-state={application.state}>
      <Flex vertical gap={8}>
        <Flex justify="space-between" align="start" gap={8}>
          <WorkerSummary worker={application.worker} />
          <ApplicationStateTag state={application.state} />
        </Flex>
        <Flex gap={8} wrap="wrap">
          <Tag color={application.origin === 'invite' ? 'purple' : 'blue'}>
            {application.origin === 'invite' ? t('gig.hire.invited') : t('gig.hire.applied')}
          </Tag>
          <Typography.Text type="secondary" className="muted-small">
            {t('gig.applications.updatedAt', { at: formatDateTime(application.updatedAt) })}
          </Typography.Text>
        </Flex>
        {application.note && (
          <Typography.Paragraph style={{ margin: 0 }}>{application.note}</Typography.Paragraph>
        )}
        {application.state === 'offered' && (
          <Alert type="info" showIcon title={t('gig.hire.waitingWorker')} />
        )}
        {application.state === 'accepted' && !confirming && (
          <Alert type="success" showIcon title={t('gig.hire.workerAccepted')} role="status" />
        )}
        {notice.node}
        {action.error && <ProblemAlert error={action.error} />}
        {confirming && (
          <ConfirmPanel
            application={application}
            onDone={(updated) => {
              setConfirming(false);
              notice.notify('success', t('gig.hire.hired'));
              employer.reload();
              onChanged(updated);
            }}
          />
        )}
        {actions.length > 0 && (
          <Flex gap={8} wrap="wrap">
            {actions.includes('offer') && (
              <Button
                type="primary"
                size="large"
                loading={action.busy === 'offer'}
                onClick={() => void move('offer', t('gig.hire.offered'))}
                data-testid="application-offer"
              >
                {t('gig.hire.offer')}
              </Button>
            )}
            {actions.includes('confirm') && !confirming && (
              <Button
                type="primary"
                size="large"
                onClick={() => {
                  setConfirming(true);
                }}
                data-testid="application-confirm"
              >
                {t('gig.hire.review')}
              </Button>
            )}
            {actions.includes('reject') && (
              <ConfirmButton
                label={t('gig.hire.reject')}
                confirmLabel={t('gig.hire.rejectYes')}
                question={t('gig.hire.rejectQuestion')}
                onConfirm={() => void move('reject', t('gig.hire.rejected'))}
                loading={action.busy === 'reject'}
                danger
                testId="application-reject"
              />
            )}
          </Flex>
        )}
      </Flex>
    </Card>
  );
}

/** A worker the matcher suggests for the job, with 邀请 (an offer straight away). */
export function CandidateCard({
  jobId,
  worker,
  onInvited,
}: {
  jobId: string;
  worker: WorkerCard;
  onInvited: (application: Application) => void;
}) {
  const { t } = useTranslation();
  const submission = useSubmission();
  const [note, setNote] = useState('');
  const [open, setOpen] = useState(false);
  const [invited, setInvited] = useState(false);

  const invite = async () => {
    const trimmed = note.trim();
    const body = { workerId: worker.id, ...(trimmed ? { note: trimmed } : {}) };
    const outcome = await submission.submit({ jobId, ...body }, (key) =>
      gigApi<Application>(`/jobs/${encodeURIComponent(jobId)}/invite`, {
        method: 'POST',
        body,
        idempotencyKey: key,
      }),
    );
    if (outcome.ok) {
      setInvited(true);
      setOpen(false);
      onInvited(outcome.value);
    }
  };

  return (
    <Card className="mobile-card" data-testid="candidate">
      <Flex vertical gap={8}>
        <WorkerSummary worker={worker} />
        {invited && <Alert type="success" showIcon role="status" title={t('gig.hire.invitedDone')} />}
        {open && !invited && (
          <Flex vertical gap={8}>
            <Input.TextArea
              value={note}
              onChange={(event) => {
                setNote(event.target.value);
              }}
              maxLength={200}
              autoSize={{ minRows: 2, maxRows: 4 }}
              placeholder={t('gig.hire.inviteNote')}
              aria-label={t('gig.hire.inviteNote')}
            />
            {submission.error && <ProblemAlert error={submission.error} />}
            <Flex gap={8}>
              <Button
                type="primary"
                size="large"
                loading={submission.busy}
                onClick={() => void invite()}
                data-testid="invite-submit"
              >
                {t('gig.hire.sendInvite')}
              </Button>
              <Button
                size="large"
                onClick={() => {
                  setOpen(false);
                }}
              >
                {t('common.cancel')}
              </Button>
            </Flex>
          </Flex>
        )}
        {!open && !invited && (
          <Button
            size="large"
            onClick={() => {
              setOpen(true);
            }}
            data-testid="candidate-invite"
          >
            {t('gig.hire.invite')}
          </Button>
        )}
      </Flex>
    </Card>
  );
}

type View = 'applications' | 'candidates' | 'details';

function postedFrom(state: unknown): boolean {
  return typeof state === 'object' && state !== null && (state as { posted?: unknown }).posted === true;
}

/** One of the employer's jobs: who applied, whom to invite, the contract to confirm, closing it. */
export function EmployerJobPage() {
  const { t } = useTranslation();
  const { jobId = '' } = useParams();
  const location = useLocation();
  const id = encodeURIComponent(jobId);
  const job = useApi<Job>(`${GIG_API}/jobs/${id}`);
  useDocumentTitle(job.data?.title ?? t('gig.job.title'));
  const [view, setView] = useState<View>('applications');
  const applications = useApi<Application[]>(`${GIG_API}/jobs/${id}/applications`);
  const candidates = useApi<WorkerCard[]>(view === 'candidates' ? `${GIG_API}/jobs/${id}/candidates` : null);
  const reloadApplications = applications.reload;
  const reloadJob = job.reload;
  useLiveChannel('applications', reloadApplications);
  const { items: list, patch } = usePatchedItems(applications.data);
  const action = useAction();
  // The job as closing it answered, until the job is fetched again.
  const [closedJob, setClosedJob] = useOverride<Job | undefined, Job>(job.data);
  const current = closedJob ?? job.data;

  const close = async () => {
    const outcome = await action.run('close', () =>
      gigApi<Job | undefined>(`/jobs/${id}/close`, { method: 'POST' }),
    );
    if (outcome.ok) {
      const closed = outcome.value;
      if (closed) setClosedJob(() => closed);
      else reloadJob();
    }
  };

  return (
    <>
      <Link to="/gig/employer" className="back-link">
        <ArrowLeftOutlined /> {t('gig.employerJobs.back')}
      </Link>
      {postedFrom(location.state) && (
        <Alert type="success" showIcon role="status" title={t('gig.postJob.posted')} />
      )}
      {job.error && <ProblemAlert error={job.error} onRetry={job.reload} />}
      {!current && !job.error && <Spin />}
      {current && (
        <>
          <Flex justify="space-between" align="center" gap={8} wrap="wrap">
            <Typography.Title level={3} style={{ margin: 0 }}>
              {current.title}
            </Typography.Title>
            {current.status === 'open' && (
              <ConfirmButton
                label={t('gig.employerJobs.close')}
                confirmLabel={t('gig.employerJobs.closeYes')}
                question={t('gig.employerJobs.closeQuestion')}
                onConfirm={() => void close()}
                loading={action.busy === 'close'}
                danger
                testId="job-close"
              />
            )}
          </Flex>
          {action.error && <ProblemAlert error={action.error} />}
          <Typography.Text>
            {t('gig.job.hiredOf', { hired: current.hiredCount, headcount: current.headcount })}
          </Typography.Text>
          <FilterChips<View>
            options={[
              {
                value: 'applications',
                label: t('gig.employerJobs.applications', { applications: list?.length ?? 0 }),
              },
              { value: 'candidates', label: t('gig.employerJobs.candidates') },
              { value: 'details', label: t('gig.employerJobs.details') },
            ]}
            value={view}
            onChange={setView}
            label={t('gig.employerJobs.sections')}
            testIdPrefix="job-view"
          />
          {view === 'details' && (
            <Card className="mobile-card">
              <JobDetails job={current} />
            </Card>
          )}
          {view === 'applications' && (
            <>
              {applications.error && <ProblemAlert error={applications.error} onRetry={reloadApplications} />}
              {!list && !applications.error && <Spin />}
              {list && list.length === 0 && <Empty description={t('gig.employerJobs.noApplications')} />}
              <Flex vertical gap={12} data-testid="job-applications">
                {list?.map((application) => (
                  <ApplicationCard
                    key={application.id}
                    application={application}
                    onChanged={(updated) => {
                      if (updated) patch(updated);
                      else reloadApplications();
                      reloadJob();
                    }}
                  />
                ))}
              </Flex>
            </>
          )}
          {view === 'candidates' && (
            <>
              <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
                {t('gig.employerJobs.candidatesHint')}
              </Typography.Paragraph>
              {candidates.error && <ProblemAlert error={candidates.error} onRetry={candidates.reload} />}
              {!candidates.data && !candidates.error && <Spin />}
              {candidates.data && candidates.data.length === 0 && (
                <Empty description={t('gig.employerJobs.noCandidates')} />
              )}
              <Flex vertical gap={12} data-testid="job-candidates">
                {candidates.data?.map((worker) => (
                  <CandidateCard
                    key={worker.id}
                    jobId={jobId}
                    worker={worker}
                    onInvited={reloadApplications}
                  />
                ))}
              </Flex>
            </>
          )}
        </>
      )}
    </>
  );
}
