import { ReloadOutlined } from '@ant-design/icons';
import type { Assignment } from '@jiedao/contracts';
import { GIG_ASSIGNMENT_STATES } from '@jiedao/contracts/constants';
import { Button, Card, Empty, Flex, Pagination, Spin, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useDocumentTitle } from '../../components/useDocumentTitle';
import { useNotice } from '../../components/useNotice';
import { AssignmentFacts } from '../AssignmentFacts';
import { FollowUpButtons, FollowUpForm } from '../AssignmentForms';
import { employerAssignmentActions } from '../contract';
import { gigApi } from '../gigApi';
import { useLiveChannel } from '../GigLive';
import { useGigLabels } from '../labels';
import { useFilteredPage } from '../useFilteredPage';
import { usePatchedItems } from '../usePatchedItems';
import type { AssignmentState } from '../stream';
import { AssignmentStateTag, ConfirmButton, FilterChips, WorkerSummary } from '../ui';
import { useAction } from '../useSubmission';
import { useEmployer } from './employerContext';

const PAGE_SIZE = 10;
type Panel = 'dispute' | 'rate' | null;
type StateFilter = AssignmentState | 'all';
const FILTERS: readonly StateFilter[] = [...GIG_ASSIGNMENT_STATES, 'all'];

function AttendanceCard({
  assignment,
  onChanged,
}: {
  assignment: Assignment;
  onChanged: (updated?: Assignment) => void;
}) {
  const { t } = useTranslation();
  const notice = useNotice();
  const action = useAction();
  const employer = useEmployer();
  const [panel, setPanel] = useState<Panel>(null);
  const actions = employerAssignmentActions(assignment);

  const done = (message: string) => (updated?: Assignment) => {
    setPanel(null);
    notice.notify('success', message);
    onChanged(updated);
  };

  const cancel = async () => {
    const outcome = await action.run('cancel', () =>
      gigApi<Assignment>(`/assignments/${encodeURIComponent(assignment.id)}/cancel`, { method: 'POST' }),
    );
    if (outcome.ok) {
      employer.reload();
      done(t('gig.shift.cancelled'))(outcome.value);
    }
  };

  const confirm = async () => {
    const outcome = await action.run('confirm', () =>
      gigApi<Assignment | undefined>(`/assignments/${encodeURIComponent(assignment.id)}/confirm`, {
        method: 'POST',
      }),
    );
    if (outcome.ok) {
      employer.reload();
      done(t('gig.attendance.confirmed'))(outcome.value);
    }
  };

  return (
    <Card className="mobile-card" data-testid="attendance" data-state={assignment.state}>
      <Flex vertical gap={8}>
        <Flex justify="space-between" align="start" gap={8}>
          <Typography.Text strong className="task-item-title">
            {assignment.job.title}
          </Typography.Text>
          <AssignmentStateTag state={assignment.state} />
        </Flex>
        <WorkerSummary worker={assignment.worker} />
        <AssignmentFacts assignment={assignment} audience="employer" />
        {notice.node}
        {action.error && <ProblemAlert error={action.error} />}
        <FollowUpForm
          panel={panel}
          assignment={assignment}
          about="worker"
          done={done}
          onCancel={() => {
            setPanel(null);
          }}
        />
        {panel === null && actions.length > 0 && (
          <Flex gap={8} wrap="wrap">
            {actions.includes('confirm') && (
              <ConfirmButton
                label={t('gig.attendance.confirm')}
                confirmLabel={t('gig.attendance.confirmYes')}
                question={t('gig.attendance.confirmQuestion')}
                onConfirm={() => void confirm()}
                loading={action.busy === 'confirm'}
                testId="attendance-confirm"
              />
            )}
            {actions.includes('cancel') && (
              <ConfirmButton
                label={t('gig.shift.cancel')}
                confirmLabel={t('gig.shift.cancelYes')}
                question={t('gig.attendance.cancelQuestion')}
                onConfirm={() => void cancel()}
                loading={action.busy === 'cancel'}
                danger
                testId="attendance-cancel"
              />
            )}
            <FollowUpButtons actions={actions} onOpen={setPanel} testIdPrefix="attendance" />
          </Flex>
        )}
      </Flex>
    </Card>
  );
}

/** 考勤: who clocked in and out where and when, the warnings, what was earned; confirm, dispute, rate. */
export function AttendancePage() {
  const { t } = useTranslation();
  const labels = useGigLabels();
  useDocumentTitle(t('gig.attendance.title'));
  const {
    filter: state,
    list: list,
    setFilter,
    pagination,
  } = useFilteredPage<Assignment, StateFilter>(
    '/employer/assignments',
    'state',
    FILTERS,
    'awaiting_confirmation',
    PAGE_SIZE,
  );
  useLiveChannel('assignments', list.reload);
  const { items, patch } = usePatchedItems(list.data?.items);

  return (
    <>
      <Flex justify="space-between" align="center" gap={8} wrap="wrap" className="page-heading">
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('gig.attendance.title')}
        </Typography.Title>
        <Button icon={<ReloadOutlined />} size="large" onClick={list.reload} loading={list.loading}>
          {t('common.refresh')}
        </Button>
      </Flex>
      <FilterChips
        options={[
          ...GIG_ASSIGNMENT_STATES.map((value) => ({ value, label: labels.assignmentState(value) })),
          { value: 'all' as const, label: t('gig.common.all') },
        ]}
        value={state}
        onChange={setFilter}
        label={t('gig.attendance.filter')}
        testIdPrefix="attendance-filter"
      />
      {list.error && <ProblemAlert error={list.error} onRetry={list.reload} />}
      {!items && !list.error && <Spin />}
      {items && items.length === 0 && <Empty description={t('gig.attendance.empty')} />}
      <Flex vertical gap={12} data-testid="attendance-list">
        {items?.map((assignment) => (
          <AttendanceCard
            key={assignment.id}
            assignment={assignment}
            onChanged={(updated) => {
              if (updated) patch(updated);
              else list.reload();
            }}
          />
        ))}
      </Flex>
      {list.data && list.data.total > PAGE_SIZE && (
        <Pagination simple {...pagination} style={{ alignSelf: 'center' }} />
      )}
    </>
  );
}
