import { CloseOutlined } from '@ant-design/icons';
import type { CaseDetail, CaseMove, CaseMoveRequest } from '@jiedao/contracts';
import {
  Alert,
  Button,
  Card,
  Descriptions,
  Empty,
  Flex,
  Image,
  Input,
  Spin,
  Tabs,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import type { DescriptionsProps, TabsProps } from 'antd';
import { lazy, Suspense, useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { api, toApiError } from '../api/client';
import { useApi } from '../api/useApi';
import { ProblemAlert } from '../components/ProblemAlert';
import { useProblemText } from '../components/problemText';
import { useNotice } from '../components/useNotice';
import { formatDateTime } from '../format';
import { DispatchDialog, DuplicateDialog, MOVES_WITH_NOTE, MoveNoteDialog } from './MoveDialogs';
import { EscalationTag, isSameOriginPhoto, SEVERITY_COLORS, SeverityTag, SlaCountdown, StageTag } from './ui';
import { useGovLabels } from './useGovLabels';

// ECharts only loads when a case with a place is opened, not with the console itself.
const CaseMap = lazy(() => import('../map/CaseMap'));

/** The order the move buttons appear in: the next step of the loop first, side exits after. */
const MOVE_ORDER: readonly CaseMove[] = [
  'accept',
  'dispatch',
  'start',
  'submit_feedback',
  'verify',
  'close',
  'evaluate',
  'transfer',
  'mark_duplicate',
  'return',
  'suspend',
  'resume',
  'reopen',
];
const FORWARD: ReadonlySet<CaseMove> = new Set(['accept', 'dispatch', 'verify', 'close', 'resume']);

/** The newer of two snapshots of the same case (by version), so a late refetch never undoes a move. */
function newer(a: CaseDetail | null, b: CaseDetail | undefined): CaseDetail | null {
  if (!b) return a;
  if (!a || a.id !== b.id) return b;
  return b.version >= a.version ? b : a;
}

export function PhotoGrid({ photos, size = 96 }: { photos: readonly string[]; size?: number }) {
  const { t } = useTranslation();
  if (photos.length === 0) return null;
  return (
    <Image.PreviewGroup>
      <Flex gap={8} wrap="wrap">
        {photos.map((url) =>
          isSameOriginPhoto(url) ? (
            <Image key={url} src={url} width={size} height={size} className="case-photo" alt="" />
          ) : (
            <a key={url} href={url} target="_blank" rel="noreferrer noopener">
              {t('caseDetail.externalPhoto')}
            </a>
          ),
        )}
      </Flex>
    </Image.PreviewGroup>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="detail-section">
      <Typography.Title level={5}>{title}</Typography.Title>
      {children}
    </section>
  );
}

export interface CaseDetailPanelProps {
  caseId: string;
  /** Bumped by the page when the stream says this case changed: the panel refetches. */
  revision: number;
  onClose: () => void;
  /** After a move or note the queue may need to change (stage filters). */
  onChanged: (detail: CaseDetail) => void;
}

/**
 * The dispatcher's view of one case: what happened and where, the live deadline, the sub-tasks, the
 * timeline and the raw messages, and the moves the server allows now as buttons. Every move sends
 * the version the dispatcher saw; a stale one comes back 409 and the panel reloads.
 */
export function CaseDetailPanel({ caseId, revision, onClose, onChanged }: CaseDetailPanelProps) {
  const { t } = useTranslation();
  const labels = useGovLabels();
  const problemText = useProblemText();
  const notice = useNotice();
  const path = `/api/governance/cases/${encodeURIComponent(caseId)}`;
  const fetched = useApi<CaseDetail>(path);
  // A move's answer is newer than the last fetch until the next fetch catches up; show the newer one.
  const [answered, setAnswered] = useState<CaseDetail | null>(null);
  const detail = newer(answered, fetched.data?.id === caseId ? fetched.data : undefined);
  const [dialog, setDialog] = useState<CaseMove | null>(null);
  const [busy, setBusy] = useState<CaseMove | 'note' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState('');
  const reload = fetched.reload;

  // A new revision from the page (the stream saw this case change) means refetch; the one at mount does not.
  const seenRevision = useRef(revision);
  useEffect(() => {
    if (revision === seenRevision.current) return;
    seenRevision.current = revision;
    reload();
  }, [revision, reload]);

  const apply = useCallback(
    (next: CaseDetail) => {
      setAnswered(next);
      onChanged(next);
    },
    [onChanged],
  );

  const send = useCallback(
    async (request: Omit<CaseMoveRequest, 'version'>): Promise<string | null> => {
      if (!detail) return t('errors.generic');
      setBusy(request.move);
      setError(null);
      try {
        const body: CaseMoveRequest = { ...request, version: detail.version };
        const next = await api<CaseDetail>(`${path}/moves`, { method: 'POST', body });
        apply(next);
        notice.notify('success', t('caseDetail.moveDone', { move: labels.move(request.move) }));
        return null;
      } catch (caught) {
        const problem = toApiError(caught);
        const message =
          problem.status === 409 && problem.allowed.length > 0
            ? t('caseDetail.moveRefused', {
                moves: problem.allowed.map((move) => labels.move(move)).join('、'),
              })
            : problem.status === 409
              ? t('caseDetail.conflict')
              : problemText(problem);
        setError(message);
        // A refused or stale move means the case moved on under us: show what it is now.
        if (problem.status === 409) reload();
        return message;
      } finally {
        setBusy(null);
      }
    },
    [detail, path, apply, notice, t, labels, problemText, reload],
  );

  const addNote = async () => {
    const text = note.trim();
    if (!text) {
      setError(t('caseDetail.noteRequired'));
      return;
    }
    setBusy('note');
    setError(null);
    try {
      apply(await api<CaseDetail>(`${path}/notes`, { method: 'POST', body: { note: text } }));
      setNote('');
      notice.notify('success', t('caseDetail.noteAdded'));
    } catch (caught) {
      setError(problemText(toApiError(caught)));
    } finally {
      setBusy(null);
    }
  };

  const onMove = (move: CaseMove) => {
    if (
      move === 'dispatch' ||
      move === 'transfer' ||
      move === 'mark_duplicate' ||
      MOVES_WITH_NOTE.has(move)
    ) {
      setDialog(move);
    } else {
      void send({ move });
    }
  };

  const header = (
    <Flex justify="space-between" align="center" gap={8}>
      <span className="mono">{detail?.number ?? ''}</span>
      <Button
        type="text"
        icon={<CloseOutlined />}
        onClick={onClose}
        aria-label={t('caseDetail.close')}
        title={t('caseDetail.close')}
        data-testid="case-close"
      />
    </Flex>
  );

  if (!detail) {
    return (
      <Card className="case-panel" title={header} data-testid="case-detail">
        {fetched.error ? <ProblemAlert error={fetched.error} onRetry={reload} /> : <Spin />}
      </Card>
    );
  }

  const none = t('common.none');
  const moves = MOVE_ORDER.filter((move) => detail.allowedMoves.includes(move));
  const facts: DescriptionsProps['items'] = [
    { key: 'category', label: t('caseDetail.category'), children: labels.category(detail.category) },
    { key: 'linkage', label: t('caseDetail.linkage'), children: labels.linkage(detail.linkage) },
    { key: 'source', label: t('caseDetail.source'), children: detail.sourceName ?? none },
    { key: 'createdAt', label: t('caseDetail.createdAt'), children: formatDateTime(detail.createdAt) },
    {
      key: 'place',
      label: t('caseDetail.community'),
      children: [detail.communityName, detail.gridName].filter(Boolean).join(' · ') || none,
    },
    { key: 'address', label: t('caseDetail.address'), children: detail.address ?? none },
    {
      key: 'reporter',
      label: t('caseDetail.reporter'),
      children: detail.reporterName
        ? `${detail.reporterName}${detail.reporterPhone ? ` · ${detail.reporterPhone}` : ''}`
        : (detail.reporterPhone ?? none),
    },
    { key: 'clock', label: t('caseDetail.clock'), children: t(`slaClock.${detail.slaClock}`) },
    {
      key: 'responseDue',
      label: t('caseDetail.responseDue'),
      children: detail.responseDueAt ? formatDateTime(detail.responseDueAt) : none,
    },
    {
      key: 'resolveDue',
      label: t('caseDetail.resolveDue'),
      children: detail.resolveDueAt ? formatDateTime(detail.resolveDueAt) : none,
    },
    ...(detail.respondedAt
      ? [
          {
            key: 'respondedAt',
            label: t('caseDetail.respondedAt'),
            children: formatDateTime(detail.respondedAt),
          },
        ]
      : []),
    ...(detail.closedAt
      ? [{ key: 'closedAt', label: t('caseDetail.closedAt'), children: formatDateTime(detail.closedAt) }]
      : []),
    ...(detail.duplicateOf
      ? [{ key: 'duplicateOf', label: t('caseDetail.duplicateOf'), children: detail.duplicateOf.number }]
      : []),
    ...(detail.duplicates.length > 0
      ? [
          {
            key: 'duplicates',
            label: t('caseDetail.duplicates'),
            children: detail.duplicates.map((item) => item.number).join('、'),
          },
        ]
      : []),
    ...(detail.rating !== null
      ? [
          {
            key: 'rating',
            label: t('caseDetail.rating'),
            children: `${t('caseDetail.ratingValue', { stars: detail.rating })}${detail.ratingComment ? ` · ${detail.ratingComment}` : ''}`,
          },
        ]
      : []),
  ];

  const overview = (
    <Flex vertical gap={16}>
      <Descriptions items={facts} column={2} size="small" bordered data-testid="case-facts" />
      {detail.description && (
        <Section title={t('caseDetail.description')}>
          <Typography.Paragraph className="case-description" data-testid="case-description">
            {detail.description}
          </Typography.Paragraph>
        </Section>
      )}
      {detail.photos.length > 0 && (
        <Section title={t('caseDetail.photos')}>
          <PhotoGrid photos={detail.photos} />
        </Section>
      )}
      <Section title={t('caseDetail.location')}>
        {detail.location || detail.gridId ? (
          <Suspense fallback={<div className="case-map case-map-loading" />}>
            <CaseMap
              location={detail.location}
              gridId={detail.gridId}
              label={t('caseDetail.mapLabel')}
              color={SEVERITY_COLORS[detail.severity]}
            />
          </Suspense>
        ) : (
          <Typography.Text type="secondary">{t('caseDetail.noLocation')}</Typography.Text>
        )}
      </Section>
    </Flex>
  );

  const tasks =
    detail.tasks.length === 0 ? (
      <Empty description={t('caseDetail.noTasks')} image={Empty.PRESENTED_IMAGE_SIMPLE} />
    ) : (
      <Flex vertical gap={12} data-testid="case-tasks">
        {detail.tasks.map((task) => (
          <Card
            key={task.id}
            size="small"
            className="task-card"
            data-testid="case-task"
            data-state={task.state}
          >
            <Flex justify="space-between" align="center" gap={8} wrap="wrap">
              <Typography.Text strong>
                {task.organisationName ?? task.assigneeName ?? none}
                {task.unitType && (
                  <Typography.Text type="secondary"> · {labels.unitType(task.unitType)}</Typography.Text>
                )}
                {task.organisationName && task.assigneeName && (
                  <Typography.Text type="secondary"> · {task.assigneeName}</Typography.Text>
                )}
              </Typography.Text>
              <Tag data-testid="task-state">{labels.taskState(task.state)}</Tag>
            </Flex>
            <Descriptions
              size="small"
              column={1}
              items={[
                ...(task.instructions
                  ? [
                      {
                        key: 'instructions',
                        label: t('caseDetail.taskInstructions'),
                        children: task.instructions,
                      },
                    ]
                  : []),
                ...(task.dueAt
                  ? [{ key: 'due', label: t('caseDetail.taskDue'), children: formatDateTime(task.dueAt) }]
                  : []),
                ...(task.acceptedAt
                  ? [
                      {
                        key: 'accepted',
                        label: t('caseDetail.taskAccepted'),
                        children: formatDateTime(task.acceptedAt),
                      },
                    ]
                  : []),
                ...(task.completedAt
                  ? [
                      {
                        key: 'completed',
                        label: t('caseDetail.taskCompleted'),
                        children: formatDateTime(task.completedAt),
                      },
                    ]
                  : []),
                ...(task.result
                  ? [{ key: 'result', label: t('caseDetail.taskResult'), children: task.result }]
                  : []),
              ]}
            />
            <PhotoGrid photos={task.photos} size={72} />
          </Card>
        ))}
      </Flex>
    );

  const timeline = (
    <Timeline
      data-testid="case-timeline"
      items={[...detail.timeline]
        .sort((a, b) => Date.parse(a.at) - Date.parse(b.at))
        .map((entry) => ({
          key: entry.id,
          color: entry.action === 'escalated' ? 'red' : entry.toStage === 'closed' ? 'green' : 'blue',
          title: <span className="mono">{formatDateTime(entry.at)}</span>,
          content: (
            <Flex vertical gap={2}>
              <span>
                <Typography.Text strong>{labels.action(entry.action)}</Typography.Text>
                {entry.toStage && entry.fromStage !== entry.toStage && (
                  <Typography.Text type="secondary"> → {labels.stage(entry.toStage)}</Typography.Text>
                )}
              </span>
              {entry.actorName && <Typography.Text type="secondary">{entry.actorName}</Typography.Text>}
              {entry.note && <Typography.Text>{entry.note}</Typography.Text>}
            </Flex>
          ),
        }))}
    />
  );

  const events =
    detail.events.length === 0 ? (
      <Empty description={t('caseDetail.noEvents')} image={Empty.PRESENTED_IMAGE_SIMPLE} />
    ) : (
      <Flex vertical gap={8}>
        {detail.events.map((event) => (
          <Card key={event.id} size="small">
            <Flex justify="space-between" gap={8} wrap="wrap">
              <Typography.Text strong>{event.title}</Typography.Text>
              <SeverityTag severity={event.severity} />
            </Flex>
            <Typography.Text type="secondary">
              {event.sourceName} · {t(`eventKind.${event.kind}`)} · {formatDateTime(event.occurredAt)}
              {event.deviceCode ? ` · ${t('caseDetail.eventDevice', { code: event.deviceCode })}` : ''}
            </Typography.Text>
            {event.description && <Typography.Paragraph>{event.description}</Typography.Paragraph>}
            {event.address && <Typography.Text type="secondary">{event.address}</Typography.Text>}
            <PhotoGrid photos={event.photos} size={72} />
          </Card>
        ))}
      </Flex>
    );

  const tabs: TabsProps['items'] = [
    { key: 'overview', label: t('caseDetail.overview'), children: overview },
    { key: 'tasks', label: `${t('caseDetail.tasks')} (${detail.tasks.length})`, children: tasks },
    { key: 'timeline', label: t('caseDetail.timeline'), children: timeline },
    { key: 'events', label: `${t('caseDetail.events')} (${detail.events.length})`, children: events },
  ];

  return (
    <Card className="case-panel" title={header} data-testid="case-detail" data-case-id={detail.id}>
      {notice.node}
      <Flex vertical gap={12}>
        <Typography.Title level={4} style={{ margin: 0 }} data-testid="case-title">
          {detail.title}
        </Typography.Title>
        <Flex gap={6} wrap="wrap" align="center">
          <StageTag stage={detail.stage} />
          <SeverityTag severity={detail.severity} />
          <EscalationTag level={detail.escalationLevel} />
          <SlaCountdown summary={detail} />
        </Flex>
        <div className="case-moves" role="group" aria-label={t('caseDetail.moves')}>
          {moves.length === 0 ? (
            <Typography.Text type="secondary">{t('caseDetail.noMoves')}</Typography.Text>
          ) : (
            <Flex gap={8} wrap="wrap">
              {moves.map((move) => (
                <Button
                  key={move}
                  type={FORWARD.has(move) ? 'primary' : 'default'}
                  onClick={() => {
                    onMove(move);
                  }}
                  loading={busy === move}
                  disabled={busy !== null && busy !== move}
                  data-testid={`move-${move}`}
                >
                  {labels.move(move)}
                </Button>
              ))}
            </Flex>
          )}
        </div>
        {error && (
          <Alert
            type="error"
            showIcon
            role="alert"
            title={error}
            closable={{ onClose: () => setError(null) }}
            data-testid="case-error"
          />
        )}
        <Tabs items={tabs} size="small" />
        <Flex vertical gap={8} className="case-note">
          <Input.TextArea
            value={note}
            onChange={(event) => {
              setNote(event.target.value);
            }}
            autoSize={{ minRows: 2, maxRows: 5 }}
            maxLength={2000}
            placeholder={t('caseDetail.notePlaceholder')}
            aria-label={t('caseDetail.notes')}
            data-testid="case-note"
          />
          <Flex justify="end">
            <Button onClick={() => void addNote()} loading={busy === 'note'} data-testid="case-note-submit">
              {t('caseDetail.addNote')}
            </Button>
          </Flex>
        </Flex>
      </Flex>
      {(dialog === 'dispatch' || dialog === 'transfer') && (
        <DispatchDialog detail={detail} move={dialog} open onClose={() => setDialog(null)} send={send} />
      )}
      {dialog === 'mark_duplicate' && (
        <DuplicateDialog detail={detail} open onClose={() => setDialog(null)} send={send} />
      )}
      {dialog !== null && MOVES_WITH_NOTE.has(dialog) && (
        <MoveNoteDialog detail={detail} move={dialog} open onClose={() => setDialog(null)} send={send} />
      )}
    </Card>
  );
}
