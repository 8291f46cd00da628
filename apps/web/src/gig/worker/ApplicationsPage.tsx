import { ReloadOutlined } from '@ant-design/icons';
import type { Application } from '@jiedao/contracts';
import { Alert, Button, Card, Checkbox, Empty, Flex, Spin, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useApi } from '../../api/useApi';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useDocumentTitle } from '../../components/useDocumentTitle';
import { useNotice } from '../../components/useNotice';
import { formatDateTime } from '../../format';
import { hasShiftAhead, signable, sortApplications, workerApplicationActions } from '../contract';
import { ContractView } from '../ContractView';
import { GIG_API, gigApi } from '../gigApi';
import { useLiveChannel } from '../GigLive';
import { ApplicationStateTag, ConfirmButton } from '../ui';
import { usePatchedItems } from '../usePatchedItems';
import { useAction, useSubmission } from '../useSubmission';

/** Accepting an offer: read the contract, tick that it was read, sign with its hash. */
function AcceptPanel({
  application,
  onDone,
}: {
  application: Application;
  onDone: (updated: Application) => void;
}) {
  const { t } = useTranslation();
  const submission = useSubmission();
  const [read, setRead] = useState(false);
  const contract = signable(application);
  if (!contract) return <Alert type="warning" showIcon title={t('gig.applications.noTerms')} />;

  const accept = async () => {
    const body = { contractHash: contract.hash };
    const outcome = await submission.submit({ id: application.id, ...body }, (key) =>
      gigApi<Application>(`/applications/${encodeURIComponent(application.id)}/accept`, {
        method: 'POST',
        body,
        idempotencyKey: key,
      }),
    );
    if (outcome.ok) onDone(outcome.value);
  };

  return (
    <Flex vertical gap={12} data-testid="accept-panel">
      <ContractView terms={contract.terms} hash={contract.hash} />
      <Checkbox
        checked={read}
        onChange={(event) => {
          setRead(event.target.checked);
        }}
        className="gig-big-check"
        data-testid="contract-read"
      >
        {t('gig.applications.readContract')}
      </Checkbox>
      {submission.error && <ProblemAlert error={submission.error} />}
      <Button
        type="primary"
        size="large"
        block
        className="big-button"
        disabled={!read}
        loading={submission.busy}
        onClick={() => void accept()}
        data-testid="accept-submit"
      >
        {t('gig.applications.sign')}
      </Button>
    </Flex>
  );
}

function ApplicationCard({
  application,
  onChanged,
  onReload,
}: {
  application: Application;
  onChanged: (updated: Application) => void;
  onReload: () => void;
}) {
  const { t } = useTranslation();
  const action = useAction();
  const notice = useNotice();
  const [signing, setSigning] = useState(false);
  const [openedAt] = useState(() => Date.now());
  const actions = workerApplicationActions(application.state);

  const move = async (name: 'decline' | 'withdraw') => {
    const outcome = await action.run(name, () =>
      gigApi<Application | undefined>(`/applications/${encodeURIComponent(application.id)}/${name}`, {
        method: 'POST',
      }),
    );
    if (outcome.ok && outcome.value) onChanged(outcome.value);
    else if (outcome.ok) onReload();
  };

  return (
    <Card className="mobile-card" data-testid="application" data-state={application.state}>
      <Flex vertical gap={8}>
        <Flex justify="space-between" align="start" gap={8}>
          <Link to={`/gig/worker/jobs/${encodeURIComponent(application.jobId)}`}>
            <Typography.Text strong className="task-item-title">
              {application.jobTitle}
            </Typography.Text>
          </Link>
          <ApplicationStateTag state={application.state} />
        </Flex>
        <Flex gap={8} wrap="wrap">
          {application.origin === 'invite' && <Tag color="purple">{t('gig.applications.invited')}</Tag>}
          <Typography.Text type="secondary" className="muted-small">
            {t('gig.applications.updatedAt', { at: formatDateTime(application.updatedAt) })}
          </Typography.Text>
        </Flex>
        {application.note && (
          <Typography.Paragraph style={{ margin: 0 }}>{application.note}</Typography.Paragraph>
        )}
        {application.state === 'offered' && (
          <Alert type="info" showIcon title={t('gig.applications.offeredHint')} role="status" />
        )}
        {application.state === 'accepted' && (
          <Alert type="info" showIcon title={t('gig.applications.acceptedHint')} role="status" />
        )}
        {application.state === 'hired' && (
          <Alert
            type="success"
            showIcon
            title={
              <span>
                {t(
                  hasShiftAhead(application.terms, openedAt)
                    ? 'gig.applications.hiredHint'
                    : 'gig.applications.hiredDone',
                )}{' '}
                <Link to="/gig/worker/shifts">{t('gig.applications.toShifts')}</Link>
              </span>
            }
          />
        )}
        {notice.node}
        {action.error && <ProblemAlert error={action.error} />}
        {signing && actions.includes('accept') && (
          <AcceptPanel
            application={application}
            onDone={(updated) => {
              setSigning(false);
              notice.notify('success', t('gig.applications.signed'));
              onChanged(updated);
            }}
          />
        )}
        <Flex gap={8} wrap="wrap">
          {actions.includes('accept') && !signing && (
            <Button
              type="primary"
              size="large"
              onClick={() => {
                setSigning(true);
              }}
              data-testid="application-accept"
            >
              {t('gig.applications.review')}
            </Button>
          )}
          {actions.includes('decline') && (
            <ConfirmButton
              label={t('gig.applications.decline')}
              confirmLabel={t('gig.applications.declineYes')}
              question={t('gig.applications.declineQuestion')}
              onConfirm={() => void move('decline')}
              loading={action.busy === 'decline'}
              danger
              testId="application-decline"
            />
          )}
          {actions.includes('withdraw') && (
            <ConfirmButton
              label={t('gig.applications.withdraw')}
              confirmLabel={t('gig.applications.withdrawYes')}
              question={t('gig.applications.withdrawQuestion')}
              onConfirm={() => void move('withdraw')}
              loading={action.busy === 'withdraw'}
              danger
              testId="application-withdraw"
            />
          )}
        </Flex>
      </Flex>
    </Card>
  );
}

/** 我的申请: applications and offers, with the contract to sign. */
export function ApplicationsPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('gig.applications.title'));
  const list = useApi<Application[]>(`${GIG_API}/worker/applications`);
  useLiveChannel('applications', list.reload);
  const { items, patch } = usePatchedItems(list.data);
  const applications = items ? sortApplications(items) : undefined;

  return (
    <>
      <Flex justify="space-between" align="center" gap={8} wrap="wrap" className="page-heading">
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('gig.applications.title')}
        </Typography.Title>
        <Button icon={<ReloadOutlined />} size="large" onClick={list.reload} loading={list.loading}>
          {t('common.refresh')}
        </Button>
      </Flex>
      {list.error && <ProblemAlert error={list.error} onRetry={list.reload} />}
      {!applications && !list.error && <Spin />}
      {applications && applications.length === 0 && <Empty description={t('gig.applications.empty')} />}
      <Flex vertical gap={12} data-testid="applications">
        {applications?.map((application) => (
          <ApplicationCard
            key={application.id}
            application={application}
            onChanged={patch}
            onReload={list.reload}
          />
        ))}
      </Flex>
    </>
  );
}
