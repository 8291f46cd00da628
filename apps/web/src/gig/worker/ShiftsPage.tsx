import { ReloadOutlined } from '@ant-design/icons';
import type { Assignment } from '@jiedao/contracts';
import { GIG_ASSIGNMENT_STATES } from '@jiedao/contracts/constants';
import { Alert, Button, Card, Empty, Flex, Pagination, Spin, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useDocumentTitle } from '../../components/useDocumentTitle';
import { useNotice } from '../../components/useNotice';
import { AssignmentFacts } from '../AssignmentFacts';
import { FollowUpButtons, FollowUpForm } from '../AssignmentForms';
import { workerAssignmentActions } from '../contract';
import { gigApi } from '../gigApi';
import { useLiveChannel } from '../GigLive';
import { useGigLabels } from '../labels';
import { useFilteredPage } from '../useFilteredPage';
import { usePatchedItems } from '../usePatchedItems';
import type { AssignmentState } from '../stream';
import { AssignmentStateTag, ConfirmButton, FilterChips } from '../ui';
import { useAction } from '../useSubmission';
import { ClockPanel } from './ClockPanel';

type Panel = 'clockIn' | 'clockOut' | 'dispute' | 'rate' | null;
const PAGE_SIZE = 10;
const DAY_MS = 24 * 3600_000;

function ShiftCard({
  assignment,
  onChanged,
}: {
  assignment: Assignment;
  onChanged: (updated?: Assignment) => void;
}) {
  const { t } = useTranslation();
  const notice = useNotice();
  const action = useAction();
  const actions = workerAssignmentActions(assignment);
  const [panel, setPanel] = useState<Panel>(null);
  const cancelQuestion = () =>
    Date.parse(assignment.shift.startsAt) - Date.now() < DAY_MS
      ? t('gig.shift.cancelLate')
      : t('gig.shift.cancelQuestion');

  const done = (message: string) => (updated?: Assignment) => {
    setPanel(null);
    notice.notify('success', message);
    onChanged(updated);
  };

  const cancel = async () => {
    const outcome = await action.run('cancel', () =>
      gigApi<Assignment | undefined>(`/assignments/${encodeURIComponent(assignment.id)}/cancel`, {
        method: 'POST',
      }),
    );
    if (outcome.ok) done(t('gig.shift.cancelled'))(outcome.value);
  };

  return (
    <Card className="mobile-card" data-testid="shift" data-state={assignment.state}>
      <Flex vertical gap={8}>
        <Flex justify="space-between" align="start" gap={8}>
          <Typography.Text strong className="task-item-title">
            {assignment.job.title}
          </Typography.Text>
          <AssignmentStateTag state={assignment.state} />
        </Flex>
        <AssignmentFacts assignment={assignment} audience="worker" />
        {notice.node}
        {action.error && <ProblemAlert error={action.error} />}
        {panel === 'clockIn' && (
          <ClockPanel assignment={assignment} kind="in" onDone={done(t('gig.clock.inDone'))} />
        )}
        {panel === 'clockOut' && (
          <ClockPanel assignment={assignment} kind="out" onDone={done(t('gig.clock.outDone'))} />
        )}
        <FollowUpForm
          panel={panel}
          assignment={assignment}
          about="employer"
          done={done}
          onCancel={() => {
            setPanel(null);
          }}
        />
        {panel === null && actions.length > 0 && (
          <Flex gap={8} wrap="wrap">
            {actions.includes('clockIn') && (
              <Button
                type="primary"
                size="large"
                className="big-button"
                onClick={() => {
                  setPanel('clockIn');
                }}
                data-testid="shift-clock-in"
              >
                {t('gig.clock.in')}
              </Button>
            )}
            {actions.includes('clockOut') && (
              <Button
                type="primary"
                size="large"
                className="big-button"
                onClick={() => {
                  setPanel('clockOut');
                }}
                data-testid="shift-clock-out"
              >
                {t('gig.clock.out')}
              </Button>
            )}
            <FollowUpButtons actions={actions} onOpen={setPanel} testIdPrefix="shift" />
            {actions.includes('cancel') && (
              <ConfirmButton
                label={t('gig.shift.cancel')}
                confirmLabel={t('gig.shift.cancelYes')}
                question={cancelQuestion}
                onConfirm={() => void cancel()}
                loading={action.busy === 'cancel'}
                danger
                testId="shift-cancel"
              />
            )}
          </Flex>
        )}
        {panel !== null && panel !== 'dispute' && panel !== 'rate' && (
          <Button
            onClick={() => {
              setPanel(null);
            }}
          >
            {t('common.close')}
          </Button>
        )}
      </Flex>
    </Card>
  );
}

type StateFilter = AssignmentState | 'all';
const FILTERS: readonly StateFilter[] = [...GIG_ASSIGNMENT_STATES, 'all'];

/** 我的班次: hired shifts with clock-in/out, then confirmation, disputes and ratings. */
export function ShiftsPage() {
  const { t } = useTranslation();
  const labels = useGigLabels();
  useDocumentTitle(t('gig.shifts.title'));
  const {
    filter: state,
    list: list,
    setFilter,
    pagination,
  } = useFilteredPage<Assignment, StateFilter>('/worker/assignments', 'state', FILTERS, 'all', PAGE_SIZE);
  useLiveChannel('assignments', list.reload);
  const { items, patch } = usePatchedItems(list.data?.items);
  const options: { value: StateFilter; label: string }[] = [
    { value: 'all', label: t('gig.common.all') },
    ...GIG_ASSIGNMENT_STATES.map((value) => ({ value, label: labels.assignmentState(value) })),
  ];

  return (
    <>
      <Flex justify="space-between" align="center" gap={8} wrap="wrap" className="page-heading">
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('gig.shifts.title')}
        </Typography.Title>
        <Button icon={<ReloadOutlined />} size="large" onClick={list.reload} loading={list.loading}>
          {t('common.refresh')}
        </Button>
      </Flex>
      <FilterChips
        options={options}
        value={state}
        onChange={setFilter}
        label={t('gig.shifts.filter')}
        testIdPrefix="shift-filter"
      />
      <Alert type="info" showIcon title={t('gig.shifts.hint')} />
      {list.error && <ProblemAlert error={list.error} onRetry={list.reload} />}
      {!items && !list.error && <Spin />}
      {items && items.length === 0 && <Empty description={t('gig.shifts.empty')} />}
      <Flex vertical gap={12} data-testid="shifts">
        {items?.map((assignment) => (
          <ShiftCard
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
