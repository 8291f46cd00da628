import {
  ArrowLeftOutlined,
  EnvironmentOutlined,
  FormOutlined,
  ReloadOutlined,
  RightOutlined,
} from '@ant-design/icons';
import type {
  Attachment,
  CaseDetail,
  CaseSummary,
  CaseTask,
  ReportAccepted,
  TaskActionRequest,
} from '@jiedao/contracts';
import { Alert, Button, Card, Empty, Flex, Form, Input, Segmented, Spin, Tag, Typography } from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Route, Routes, useNavigate, useParams } from 'react-router';
import { api, toApiError, toQuery } from '../api/client';
import { useApi } from '../api/useApi';
import { useMe } from '../auth/AuthContext';
import { ProblemAlert } from '../components/ProblemAlert';
import { useProblemText } from '../components/problemText';
import { useDocumentTitle } from '../components/useDocumentTitle';
import { useNotice } from '../components/useNotice';
import { formatDateTime } from '../format';
import { PhotoGrid } from '../governance/CaseDetailPanel';
import { PhotoPicker } from '../governance/PhotoPicker';
import { ReportForm } from '../governance/ReportForm';
import { myTasks, taskActionsFor } from '../governance/tasks';
import type { StreamEvent } from '../governance/stream';
import type { Paged } from '../governance/types';
import { useGovernanceStream } from '../governance/useGovernanceStream';
import { EscalationTag, SeverityTag, SlaCountdown, StageTag } from '../governance/ui';
import { useGovLabels } from '../governance/useGovLabels';
// The command center's text comes with its pages (see i18n/governance.ts).
import '../i18n/governance';

/** Case events come in bursts (a dispatch moves the case and creates tasks): one refetch per burst. */
const REFETCH_DEBOUNCE_MS = 300;

/**
 * Keeps a task view current: the stream carries case changes to handlers (a new dispatch, the command
 * center returning a result), and a phone that wakes from sleep refetches at once, since the stream
 * may have been cut while it slept. `caseId` narrows the refetch to one case's changes.
 */
function useLiveRefresh(reload: () => void, caseId?: string): void {
  const timer = useRef<number | undefined>(undefined);
  const onEvent = useCallback(
    (event: StreamEvent) => {
      if (event.topic !== 'case.created' && event.topic !== 'case.updated') return;
      if (caseId !== undefined && event.caseId !== caseId) return;
      window.clearTimeout(timer.current);
      timer.current = window.setTimeout(reload, REFETCH_DEBOUNCE_MS);
    },
    [reload, caseId],
  );
  useGovernanceStream({ onEvent, onResync: reload });
  useEffect(() => {
    const onVisible = () => {
      if (document.visibilityState === 'visible') reload();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      document.removeEventListener('visibilitychange', onVisible);
      window.clearTimeout(timer.current);
    };
  }, [reload]);
}

/** Stages in which a unit's task still needs doing (the rest wait for the command center or are over). */
const TODO_STAGES: ReadonlySet<CaseSummary['stage']> = new Set(['dispatch', 'handling']);
const PAGE_STEP = 50;

function TaskList() {
  const { t } = useTranslation();
  const labels = useGovLabels();
  const me = useMe();
  const navigate = useNavigate();
  const [scope, setScope] = useState<'open' | 'all'>('open');
  const [limit, setLimit] = useState(PAGE_STEP);
  // 待办: the cases in the loop with a task for me, narrowed to those still waiting for a unit. A
  // summary does not say whose task is still open (see the report), so a joint case stays listed
  // until every unit is done; the detail page shows my own task's state.
  const list = useApi<Paged<CaseSummary>>(
    `/api/governance/cases${toQuery({ mine: 'true', stage: scope === 'open' ? 'active' : 'all', pageSize: scope === 'open' ? 200 : limit })}`,
  );
  useLiveRefresh(list.reload);
  const isGridWorker = me.roles.some((role) => role.role === 'grid_worker');
  const items = (list.data?.items ?? []).filter((item) => scope === 'all' || TODO_STAGES.has(item.stage));
  const more =
    scope === 'all' && list.data !== undefined && list.data.total > list.data.items.length && limit < 200;

  return (
    <div className="mobile-page" data-testid="tasks-page">
      <Flex justify="space-between" align="center" gap={8} wrap="wrap" className="page-heading">
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('tasks.title')}
        </Typography.Title>
        <Flex gap={8}>
          <Button
            icon={<ReloadOutlined />}
            onClick={list.reload}
            loading={list.loading}
            aria-label={t('tasks.refresh')}
          />
          {isGridWorker && (
            <Button
              type="primary"
              icon={<FormOutlined />}
              onClick={() => void navigate('/tasks/patrol')}
              data-testid="patrol-open"
            >
              {t('tasks.patrol')}
            </Button>
          )}
        </Flex>
      </Flex>
      <Segmented<'open' | 'all'>
        block
        value={scope}
        onChange={(value) => {
          setScope(value);
        }}
        options={[
          { value: 'open', label: t('tasks.open') },
          { value: 'all', label: t('tasks.all') },
        ]}
        style={{ marginBottom: 16 }}
        data-testid="tasks-scope"
      />
      {list.error && <ProblemAlert error={list.error} onRetry={list.reload} />}
      {!list.data && !list.error && <Spin />}
      {list.data && items.length === 0 && (
        <Empty description={scope === 'open' ? t('tasks.empty') : t('tasks.emptyAll')} />
      )}
      <Flex vertical gap={12} data-testid="task-list">
        {items.map((item) => (
          <Link
            key={item.id}
            to={`/tasks/${item.id}`}
            className="task-link"
            data-testid="task-item"
            data-case-number={item.number}
          >
            <Card size="small" className="task-item-card">
              <Flex justify="space-between" align="start" gap={8}>
                <Flex vertical gap={6} style={{ minWidth: 0 }}>
                  <Typography.Text strong className="task-item-title">
                    {item.title}
                  </Typography.Text>
                  <Flex gap={6} wrap="wrap" align="center">
                    <StageTag stage={item.stage} />
                    <SeverityTag severity={item.severity} />
                    <EscalationTag level={item.escalationLevel} />
                  </Flex>
                  <Typography.Text type="secondary">
                    {labels.category(item.category)} · <span className="mono">{item.number}</span>
                  </Typography.Text>
                  {(item.address ?? item.communityName) && (
                    <Typography.Text type="secondary">
                      <EnvironmentOutlined /> {item.address ?? item.communityName}
                    </Typography.Text>
                  )}
                  <SlaCountdown summary={item} />
                </Flex>
                <RightOutlined aria-hidden="true" className="task-item-arrow" />
              </Flex>
            </Card>
          </Link>
        ))}
      </Flex>
      {more && (
        <Button
          block
          size="large"
          onClick={() => {
            setLimit((value) => Math.min(200, value + PAGE_STEP));
          }}
          loading={list.loading}
        >
          {t('tasks.more')}
        </Button>
      )}
    </div>
  );
}

function TaskActions({
  detail,
  task,
  onDone,
}: {
  detail: CaseDetail;
  task: CaseTask;
  onDone: (next: CaseDetail, message: string) => void;
}) {
  const { t } = useTranslation();
  const problemText = useProblemText();
  const [photos, setPhotos] = useState<Attachment[]>([]);
  const [returning, setReturning] = useState(false);
  const [busy, setBusy] = useState<TaskActionRequest['action'] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [form] = Form.useForm<{ result?: string }>();
  const [returnForm] = Form.useForm<{ reason?: string }>();
  const actions = taskActionsFor(task);

  const act = async (request: TaskActionRequest, message: string) => {
    setBusy(request.action);
    setError(null);
    try {
      const next = await api<CaseDetail>(
        `/api/governance/cases/${encodeURIComponent(detail.id)}/tasks/${encodeURIComponent(task.id)}`,
        { method: 'POST', body: request },
      );
      onDone(next, message);
    } catch (caught) {
      setError(problemText(toApiError(caught)));
    } finally {
      setBusy(null);
    }
  };

  if (actions.length === 0) return null;
  return (
    <Flex vertical gap={16}>
      {error && <Alert type="error" showIcon title={error} role="alert" />}
      {actions.includes('accept') && (
        <Button
          type="primary"
          size="large"
          block
          className="big-button"
          loading={busy === 'accept'}
          onClick={() => void act({ action: 'accept' }, t('tasks.accepted'))}
          data-testid="task-accept"
        >
          {t('tasks.accept')}
        </Button>
      )}
      {actions.includes('complete') && (
        <Form
          form={form}
          layout="vertical"
          requiredMark={false}
          disabled={busy !== null}
          onFinish={(values) =>
            void act(
              {
                action: 'complete',
                result: (values.result ?? '').trim(),
                ...(photos.length > 0 ? { photos: photos.map((photo) => photo.id) } : {}),
              },
              t('tasks.completed'),
            )
          }
          data-testid="task-complete-form"
        >
          <Form.Item label={t('tasks.photos')}>
            <PhotoPicker
              value={photos}
              onChange={setPhotos}
              max={9}
              testId="task-photo"
              label={t('tasks.addPhoto')}
              large
            />
          </Form.Item>
          <Form.Item
            name="result"
            label={t('tasks.result')}
            rules={[{ required: true, whitespace: true, message: t('tasks.resultRequired') }]}
          >
            <Input.TextArea
              autoSize={{ minRows: 3, maxRows: 8 }}
              maxLength={2000}
              placeholder={t('tasks.resultPlaceholder')}
              data-testid="task-result"
            />
          </Form.Item>
          <Button
            type="primary"
            htmlType="submit"
            size="large"
            block
            className="big-button"
            loading={busy === 'complete'}
            data-testid="task-complete"
          >
            {t('tasks.complete')}
          </Button>
        </Form>
      )}
      {actions.includes('return') &&
        (returning ? (
          <Form
            form={returnForm}
            layout="vertical"
            requiredMark={false}
            disabled={busy !== null}
            onFinish={(values) =>
              void act({ action: 'return', note: (values.reason ?? '').trim() }, t('tasks.returned'))
            }
          >
            <Form.Item
              name="reason"
              label={t('tasks.returnReason')}
              rules={[{ required: true, whitespace: true, message: t('tasks.returnReasonRequired') }]}
            >
              <Input.TextArea
                autoSize={{ minRows: 2, maxRows: 6 }}
                maxLength={2000}
                placeholder={t('tasks.returnReasonPlaceholder')}
                data-testid="task-return-reason"
              />
            </Form.Item>
            <Flex gap={8}>
              <Button
                size="large"
                onClick={() => {
                  setReturning(false);
                }}
                style={{ flex: 1 }}
              >
                {t('common.cancel')}
              </Button>
              <Button
                danger
                htmlType="submit"
                size="large"
                loading={busy === 'return'}
                style={{ flex: 1 }}
                data-testid="task-return-confirm"
              >
                {t('tasks.returnConfirm')}
              </Button>
            </Flex>
          </Form>
        ) : (
          <Button
            size="large"
            block
            onClick={() => {
              setReturning(true);
            }}
            data-testid="task-return"
          >
            {t('tasks.return')}
          </Button>
        ))}
    </Flex>
  );
}

function TaskDetail() {
  const { t } = useTranslation();
  const labels = useGovLabels();
  const problemText = useProblemText();
  const me = useMe();
  const notice = useNotice();
  const { caseId = '' } = useParams();
  const fetched = useApi<CaseDetail>(`/api/governance/cases/${encodeURIComponent(caseId)}`);
  // An action's answer, shown until a poll brings something at least as new (a poll that started
  // before the action must not undo it on screen).
  const [answered, setAnswered] = useState<CaseDetail | null>(null);
  const polled = fetched.data?.id === caseId ? fetched.data : undefined;
  const detail =
    answered && answered.id === caseId && (!polled || answered.version > polled.version)
      ? answered
      : (polled ?? null);
  const [moveError, setMoveError] = useState<string | null>(null);
  const [moving, setMoving] = useState(false);
  useLiveRefresh(fetched.reload, caseId);

  const onDone = useCallback(
    (next: CaseDetail, message: string) => {
      setAnswered(next);
      notice.notify('success', message);
      window.scrollTo({ top: 0 });
    },
    [notice],
  );

  const back = (
    <Link to="/tasks" className="back-link" data-testid="task-back">
      <ArrowLeftOutlined /> {t('tasks.back')}
    </Link>
  );
  if (!detail) {
    return (
      <div className="mobile-page">
        {back}
        {fetched.error ? <ProblemAlert error={fetched.error} onRetry={fetched.reload} /> : <Spin />}
      </div>
    );
  }

  const mine = myTasks(detail.tasks, me);
  const task = mine[0];
  const others = detail.tasks.filter((candidate) => !mine.includes(candidate));
  // A grid worker may also 受理 a report from the grid and 核查 a result on site.
  const caseMoves = detail.allowedMoves.filter((move) => move === 'accept' || move === 'verify');

  const moveCase = async (move: 'accept' | 'verify') => {
    setMoving(true);
    setMoveError(null);
    try {
      const next = await api<CaseDetail>(`/api/governance/cases/${encodeURIComponent(detail.id)}/moves`, {
        method: 'POST',
        body: { move, version: detail.version },
      });
      onDone(next, t('caseDetail.moveDone', { move: labels.move(move) }));
    } catch (caught) {
      setMoveError(problemText(toApiError(caught)));
      fetched.reload();
    } finally {
      setMoving(false);
    }
  };

  return (
    <div className="mobile-page" data-testid="task-detail" data-stage={detail.stage}>
      {back}
      {notice.node}
      <Card className="mobile-card">
        <Flex vertical gap={8}>
          <Typography.Title level={4} style={{ margin: 0 }}>
            {detail.title}
          </Typography.Title>
          <Flex gap={6} wrap="wrap" align="center">
            <StageTag stage={detail.stage} />
            <SeverityTag severity={detail.severity} />
            <EscalationTag level={detail.escalationLevel} />
          </Flex>
          <Typography.Text type="secondary">
            {labels.category(detail.category)} · <span className="mono">{detail.number}</span>
          </Typography.Text>
          <SlaCountdown summary={detail} />
          {(detail.address ?? detail.communityName) && (
            <Typography.Text>
              <EnvironmentOutlined />{' '}
              {[detail.communityName, detail.gridName, detail.address].filter(Boolean).join(' · ')}
            </Typography.Text>
          )}
          {detail.description && (
            <Typography.Paragraph style={{ margin: 0 }}>{detail.description}</Typography.Paragraph>
          )}
          <PhotoGrid photos={detail.photos} size={88} />
          <Typography.Text type="secondary">{formatDateTime(detail.createdAt)}</Typography.Text>
        </Flex>
      </Card>

      <Card title={t('tasks.myTask')} className="mobile-card" data-testid="my-task">
        {task ? (
          <Flex vertical gap={12}>
            <Flex justify="space-between" align="center" gap={8} wrap="wrap">
              <Typography.Text strong>
                {task.organisationName ?? task.assigneeName ?? me.name}
              </Typography.Text>
              <Tag data-testid="my-task-state" data-state={task.state}>
                {labels.taskState(task.state)}
              </Tag>
            </Flex>
            {task.instructions && (
              <div>
                <Typography.Text type="secondary">{t('tasks.instructions')}</Typography.Text>
                <Typography.Paragraph style={{ margin: 0 }}>{task.instructions}</Typography.Paragraph>
              </div>
            )}
            {task.dueAt && (
              <Typography.Text>{t('tasks.due', { time: formatDateTime(task.dueAt) })}</Typography.Text>
            )}
            {task.result && (
              <div>
                <Typography.Text type="secondary">{t('tasks.result')}</Typography.Text>
                <Typography.Paragraph style={{ margin: 0 }}>{task.result}</Typography.Paragraph>
              </div>
            )}
            <PhotoGrid photos={task.photos} size={88} />
            <TaskActions key={`${task.id}:${task.state}`} detail={detail} task={task} onDone={onDone} />
          </Flex>
        ) : (
          <Typography.Text type="secondary">{t('tasks.notMine')}</Typography.Text>
        )}
      </Card>

      {caseMoves.length > 0 && (
        <Card title={t('tasks.caseMoves')} className="mobile-card">
          {moveError && (
            <Alert type="error" showIcon title={moveError} role="alert" style={{ marginBottom: 12 }} />
          )}
          <Flex vertical gap={8}>
            {caseMoves.map((move) => (
              <Button
                key={move}
                size="large"
                block
                loading={moving}
                onClick={() => void moveCase(move)}
                data-testid={`case-move-${move}`}
              >
                {labels.move(move)}
              </Button>
            ))}
          </Flex>
        </Card>
      )}

      {others.length > 0 && (
        <Card title={t('tasks.otherTasks')} className="mobile-card">
          <Flex vertical gap={8}>
            {others.map((other) => (
              <Flex key={other.id} justify="space-between" gap={8}>
                <Typography.Text>{other.organisationName ?? other.assigneeName}</Typography.Text>
                <Tag>{labels.taskState(other.state)}</Tag>
              </Flex>
            ))}
          </Flex>
        </Card>
      )}
    </div>
  );
}

function PatrolReport() {
  const { t } = useTranslation();
  const [accepted, setAccepted] = useState<ReportAccepted | null>(null);
  useDocumentTitle(t('tasks.patrolTitle'));
  return (
    <div className="mobile-page" data-testid="patrol-page">
      <Link to="/tasks" className="back-link">
        <ArrowLeftOutlined /> {t('tasks.back')}
      </Link>
      <Typography.Title level={3}>{t('tasks.patrolTitle')}</Typography.Title>
      <Typography.Paragraph type="secondary">{t('tasks.patrolIntro')}</Typography.Paragraph>
      {accepted && (
        <Alert
          type="success"
          showIcon
          role="status"
          title={t('tasks.patrolDone', { number: accepted.caseNumber })}
          closable={{ onClose: () => setAccepted(null) }}
          style={{ marginBottom: 16 }}
          data-testid="patrol-done"
        />
      )}
      <Card className="mobile-card">
        <ReportForm audience="patrol" large onSubmitted={setAccepted} submitLabel={t('tasks.patrolSubmit')} />
      </Card>
    </div>
  );
}

/** 我的任务: the grid worker's and department staff's phone page (list, one task, patrol report). */
export default function TasksPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('tasks.title'));
  return (
    <Routes>
      <Route index element={<TaskList />} />
      <Route path="patrol" element={<PatrolReport />} />
      <Route path=":caseId" element={<TaskDetail />} />
    </Routes>
  );
}
