import { FundProjectionScreenOutlined, PhoneOutlined, ReloadOutlined } from '@ant-design/icons';
import type { CaseDetail, CaseSummary, ReportAccepted } from '@jiedao/contracts';
import { CASE_STAGES, CATEGORIES, LINKAGES, SEVERITIES } from '@jiedao/contracts/constants';
import { Button, Card, Flex, Input, Modal, Select, Table, Tag, Typography } from 'antd';
import type { TableProps } from 'antd';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router';
import { api, toQuery } from '../api/client';
import { useApi } from '../api/useApi';
import { ProblemAlert } from '../components/ProblemAlert';
import { useDocumentTitle } from '../components/useDocumentTitle';
import { useLabels } from '../components/useLabels';
import { useNotice } from '../components/useNotice';
import { formatDateTime } from '../format';
import { CaseDetailPanel } from '../governance/CaseDetailPanel';
import {
  caseQuery,
  matchesFilters,
  QUEUE_PAGE_SIZES,
  readCaseFilters,
  STAGE_GROUPS,
  writeCaseFilters,
  type CaseFilters,
  type StageFilter,
} from '../governance/caseFilters';
import { ReportForm } from '../governance/ReportForm';
import {
  addHighlights,
  isHighlighted,
  newRowIds,
  patchCaseRows,
  provisionalCase,
  type Highlights,
  type StreamEvent,
} from '../governance/stream';
import type { Paged } from '../governance/types';
import { EscalationTag, SeverityTag, SlaCountdown, StageTag, StreamIndicator } from '../governance/ui';
import { useGovernanceStream } from '../governance/useGovernanceStream';
import { useGovLabels } from '../governance/useGovLabels';
import { useCommunities } from '../map/gridsCache';
// The command center's text comes with its pages (see i18n/governance.ts).
import '../i18n/governance';

/** How long a row that just arrived stays highlighted. */
const HIGHLIGHT_MS = 12_000;
/** New arrivals pinned above the queue (until opened); the oldest drop off beyond this. */
const MAX_ARRIVALS = 20;
/** Stream events arrive in bursts (a storm of alarms); one refetch serves a burst. */
const REFETCH_DEBOUNCE_MS = 250;

interface Patched {
  source: readonly CaseSummary[];
  rows: readonly CaseSummary[];
}

export default function ConsolePage() {
  const { t } = useTranslation();
  const labels = useLabels();
  const gov = useGovLabels();
  const navigate = useNavigate();
  const notice = useNotice();
  const [params, setParams] = useSearchParams();
  const filters = readCaseFilters(params);
  useDocumentTitle(t('console.title'));

  const listPath = `/api/governance/cases${toQuery(caseQuery(filters))}`;
  const list = useApi<Paged<CaseSummary>>(listPath);
  const communities = useCommunities();
  const [patched, setPatched] = useState<Patched | null>(null);
  const [highlights, setHighlights] = useState<Highlights>(new Map());
  const [now, setNow] = useState(() => Date.now());
  const [revision, setRevision] = useState(0);
  const [staffEntry, setStaffEntry] = useState(false);
  /**
   * Cases that arrived through the stream. The queue is sorted most urgent first, so a new low-severity
   * report would land pages down; it is pinned on top, marked 新, until the dispatcher opens it.
   */
  const [arrivals, setArrivals] = useState<readonly CaseSummary[]>([]);
  /** Arrivals the dispatcher has opened: no longer new; pinned only while still open in the panel. */
  const [seen, setSeen] = useState<ReadonlySet<string>>(new Set());

  const items = list.data?.items;
  const pageRows = patched && patched.source === items ? patched.rows : (items ?? []);
  const onPage = new Set(pageRows.map((row) => row.id));
  const pinned = arrivals.filter(
    (row) =>
      !onPage.has(row.id) &&
      matchesFilters(row, filters) &&
      (!seen.has(row.id) || row.id === filters.selected),
  );
  const unseenIds = new Set(pinned.filter((row) => !seen.has(row.id)).map((row) => row.id));
  const rows = [...pinned, ...pageRows];
  const compact = filters.selected !== null;

  // Rows that appear in a refetch of the same query are new arrivals: highlight them.
  const previous = useRef<{ path: string; items: readonly CaseSummary[] } | null>(null);
  useEffect(() => {
    if (list.loading || !items) return;
    const before = previous.current?.path === listPath ? previous.current.items : undefined;
    const added = newRowIds(before, items);
    previous.current = { path: listPath, items };
    if (added.length > 0) {
      const at = Date.now();
      setHighlights((current) => addHighlights(current, added, at, HIGHLIGHT_MS));
      setNow(at);
    }
  }, [items, list.loading, listPath]);

  // Let highlights fade: one re-render when the earliest one runs out.
  useEffect(() => {
    const pending = [...highlights.values()].filter((until) => until > now);
    if (pending.length === 0) return undefined;
    const timer = window.setTimeout(
      () => {
        setNow(Date.now());
      },
      Math.min(...pending) - now + 50,
    );
    return () => {
      window.clearTimeout(timer);
    };
  }, [highlights, now]);

  const refetchTimer = useRef<number | undefined>(undefined);
  const reloadList = list.reload;
  const scheduleRefetch = useCallback(() => {
    window.clearTimeout(refetchTimer.current);
    refetchTimer.current = window.setTimeout(reloadList, REFETCH_DEBOUNCE_MS);
  }, [reloadList]);
  useEffect(
    () => () => {
      window.clearTimeout(refetchTimer.current);
    },
    [],
  );

  const itemsRef = useRef(items);
  useEffect(() => {
    itemsRef.current = items;
  }, [items]);
  const selectedRef = useRef(filters.selected);
  useEffect(() => {
    selectedRef.current = filters.selected;
  }, [filters.selected]);

  /**
   * Pins a case the stream announced: at once from the event, then with its full summary (deadlines,
   * place, source) once fetched; a detail is a summary and more.
   */
  const pin = useCallback(
    (event: StreamEvent) => {
      if (event.topic !== 'case.created') return;
      const at = Date.now();
      const upsert = (row: CaseSummary) => {
        setArrivals((current) => {
          const existing = current.find((candidate) => candidate.id === row.id);
          if (existing && existing.version > row.version) return current;
          return [row, ...current.filter((candidate) => candidate.id !== row.id)].slice(0, MAX_ARRIVALS);
        });
      };
      const provisional = provisionalCase(event, new Date(at).toISOString());
      if (provisional) upsert(provisional);
      setHighlights((current) => addHighlights(current, [event.caseId], at, HIGHLIGHT_MS));
      setNow(at);
      api<CaseDetail>(`/api/governance/cases/${encodeURIComponent(event.caseId)}`).then(upsert, () => {
        // The refetch of the queue still shows it where it belongs.
      });
    },
    [setArrivals, setHighlights, setNow],
  );

  const onEvent = useCallback(
    (event: StreamEvent) => {
      if (event.topic === 'case.created' || event.topic === 'case.updated') {
        const source = itemsRef.current;
        if (source) {
          setPatched((current) => {
            const base = current && current.source === source ? current.rows : source;
            return { source, rows: patchCaseRows(base, event) };
          });
        }
        setArrivals((current) => patchCaseRows(current, event));
        pin(event);
        if (event.caseId === selectedRef.current) setRevision((value) => value + 1);
        scheduleRefetch();
      } else if (event.topic === 'incident.created' && event.caseId) {
        scheduleRefetch();
      }
    },
    [scheduleRefetch, pin, setPatched, setArrivals, setRevision],
  );
  const onResync = useCallback(() => {
    scheduleRefetch();
    setRevision((value) => value + 1);
  }, [scheduleRefetch, setRevision]);
  const streamStatus = useGovernanceStream({ onEvent, onResync });

  const update = (change: Partial<CaseFilters>) => {
    setParams(writeCaseFilters({ ...filters, page: 1, ...change }));
  };
  const select = (id: string | null) => {
    // Opening an arrival is the dispatcher noticing it: no longer new, and back to its place in the
    // queue once another case is opened.
    if (id) setSeen((current) => new Set(current).add(id));
    setParams(writeCaseFilters({ ...filters, selected: id }));
  };

  const onChanged = useCallback(
    (_detail: CaseDetail) => {
      scheduleRefetch();
    },
    [scheduleRefetch],
  );

  const onStaffEntry = (accepted: ReportAccepted) => {
    setStaffEntry(false);
    notice.notify('success', t('staffEntry.done', { number: accepted.caseNumber }));
    setParams(writeCaseFilters({ ...filters, selected: accepted.caseId }));
    scheduleRefetch();
  };

  const stageOptions = [
    ...STAGE_GROUPS.map((group) => ({
      value: group,
      label: t(
        group === 'open'
          ? 'console.stageGroupOpen'
          : group === 'active'
            ? 'console.stageGroupActive'
            : 'console.stageGroupAll',
      ),
    })),
    ...CASE_STAGES.map((stage) => ({ value: stage, label: gov.stage(stage) })),
  ];
  const categoryOptions = useMemo(
    () =>
      LINKAGES.map((linkage) => ({
        label: gov.linkage(linkage),
        options: CATEGORIES.filter((category) => category.linkage === linkage).map((category) => ({
          value: category.code,
          label: gov.category(category.code),
        })),
      })),
    [gov],
  );

  const place = (row: CaseSummary) => [row.communityName, row.gridName].filter(Boolean).join(' · ');
  const columns: TableProps<CaseSummary>['columns'] = [
    {
      key: 'case',
      title: t('console.caseTitle'),
      render: (_, row) => (
        <Flex vertical gap={2} className="queue-case">
          <Flex gap={6} align="center">
            {(unseenIds.has(row.id) || isHighlighted(highlights, row.id, now)) && (
              <Tag color="red" className="new-badge" data-testid="case-new">
                {t('console.newBadge')}
              </Tag>
            )}
            <Button
              type="link"
              className="panel-link queue-title"
              onClick={(event) => {
                event.stopPropagation();
                select(row.id);
              }}
              data-testid="case-open"
            >
              {row.title}
            </Button>
          </Flex>
          <Typography.Text type="secondary" className="mono queue-number" data-testid="case-number">
            {row.number}
            {row.sourceName ? ` · ${row.sourceName}` : ''}
          </Typography.Text>
          {compact && (
            <Typography.Text type="secondary" className="muted-small">
              {[gov.category(row.category), place(row)].filter(Boolean).join(' · ')}
            </Typography.Text>
          )}
        </Flex>
      ),
    },
    ...(compact
      ? []
      : [
          {
            key: 'category',
            title: t('console.category'),
            width: 150,
            render: (_: unknown, row: CaseSummary) => (
              <Flex vertical gap={2}>
                <span>{gov.category(row.category)}</span>
                <Typography.Text type="secondary" className="muted-small">
                  {gov.linkage(row.linkage)}
                </Typography.Text>
              </Flex>
            ),
          },
        ]),
    {
      key: 'status',
      title: `${t('console.severity')} / ${t('console.stage')}`,
      width: 110,
      render: (_, row) => (
        <Flex vertical gap={4} align="start">
          <SeverityTag severity={row.severity} />
          <StageTag stage={row.stage} />
        </Flex>
      ),
    },
    ...(compact
      ? []
      : [
          {
            key: 'place',
            title: t('console.place'),
            width: 200,
            render: (_: unknown, row: CaseSummary) => (
              <Flex vertical gap={2}>
                <span>{place(row) || t('common.none')}</span>
                {row.address && (
                  <Typography.Text
                    type="secondary"
                    className="muted-small"
                    ellipsis={{ tooltip: row.address }}
                  >
                    {row.address}
                  </Typography.Text>
                )}
              </Flex>
            ),
          },
        ]),
    {
      key: 'sla',
      title: t('console.sla'),
      width: 160,
      render: (_, row) => (
        <Flex vertical gap={4} align="start">
          <SlaCountdown summary={row} />
          <EscalationTag level={row.escalationLevel} />
        </Flex>
      ),
    },
    ...(compact
      ? []
      : [
          {
            key: 'createdAt',
            title: t('console.createdAt'),
            width: 110,
            render: (_: unknown, row: CaseSummary) => (
              <time dateTime={row.createdAt} className="mono muted-small">
                {formatDateTime(row.createdAt).slice(5, 16)}
              </time>
            ),
          },
        ]),
  ];

  const communityOptions = (communities.data ?? []).map((community) => ({
    value: community.id,
    label: labels.localName(community.name, community.nameEn),
  }));

  return (
    <div className="page console-page">
      {notice.node}
      <Flex justify="space-between" align="center" wrap="wrap" gap={12} className="page-heading">
        <Flex align="center" gap={16} wrap="wrap">
          <Typography.Title level={3} style={{ margin: 0 }}>
            {t('console.title')}
          </Typography.Title>
          <StreamIndicator status={streamStatus} />
          {list.data && (
            <Typography.Text type="secondary" data-testid="queue-total">
              {t('console.total', { total: list.data.total })}
            </Typography.Text>
          )}
          {!filters.selected && <Typography.Text type="secondary">{t('console.selectHint')}</Typography.Text>}
        </Flex>
        <Flex gap={8} wrap="wrap">
          <Button icon={<ReloadOutlined />} onClick={list.reload} loading={list.loading}>
            {t('console.refresh')}
          </Button>
          <Button icon={<FundProjectionScreenOutlined />} onClick={() => void navigate('/screen')}>
            {t('nav.screen')}
          </Button>
          <Button
            type="primary"
            icon={<PhoneOutlined />}
            onClick={() => {
              setStaffEntry(true);
            }}
            data-testid="staff-entry"
          >
            {t('console.staffEntry')}
          </Button>
        </Flex>
      </Flex>
      <Card className="filters-card" variant="outlined" size="small">
        <Flex gap={8} wrap="wrap" align="center" role="search" aria-label={t('console.filters')}>
          <Select<StageFilter>
            value={filters.stage}
            options={stageOptions}
            onChange={(value) => {
              update({ stage: value });
            }}
            aria-label={t('console.stage')}
            style={{ width: 130 }}
            data-testid="filter-stage"
          />
          <Select
            allowClear
            placeholder={t('console.allLinkages')}
            aria-label={t('console.linkage')}
            value={filters.linkage ?? undefined}
            options={LINKAGES.map((linkage) => ({ value: linkage, label: gov.linkage(linkage) }))}
            onChange={(value: CaseFilters['linkage'] | undefined) => {
              update({ linkage: value ?? null });
            }}
            style={{ width: 150 }}
            data-testid="filter-linkage"
          />
          <Select
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            placeholder={t('console.allCategories')}
            aria-label={t('console.category')}
            value={filters.category ?? undefined}
            options={categoryOptions}
            onChange={(value: CaseFilters['category'] | undefined) => {
              update({ category: value ?? null });
            }}
            style={{ width: 160 }}
            data-testid="filter-category"
          />
          <Select
            allowClear
            placeholder={t('console.allSeverities')}
            aria-label={t('console.severity')}
            value={filters.severity ?? undefined}
            options={SEVERITIES.map((severity) => ({ value: severity, label: gov.severity(severity) }))}
            onChange={(value: CaseFilters['severity'] | undefined) => {
              update({ severity: value ?? null });
            }}
            style={{ width: 120 }}
            data-testid="filter-severity"
          />
          <Select
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            placeholder={t('console.allCommunities')}
            aria-label={t('console.community')}
            value={filters.communityId ?? undefined}
            options={communityOptions}
            onChange={(value: string | undefined) => {
              update({ communityId: value ?? null });
            }}
            style={{ width: 150 }}
            data-testid="filter-community"
          />
          <Input.Search
            key={filters.q}
            defaultValue={filters.q}
            placeholder={t('console.searchPlaceholder')}
            aria-label={t('console.searchPlaceholder')}
            allowClear
            maxLength={50}
            onSearch={(value) => {
              update({ q: value.trim() });
            }}
            style={{ width: 240 }}
            data-testid="queue-search"
          />
        </Flex>
      </Card>
      {list.error && <ProblemAlert error={list.error} onRetry={list.reload} />}
      <div className={filters.selected ? 'console-layout console-layout-open' : 'console-layout'}>
        <div className="console-queue" data-testid="case-queue">
          <Table<CaseSummary>
            rowKey="id"
            size="small"
            columns={columns}
            dataSource={rows}
            loading={list.loading && !list.data}
            locale={{ emptyText: t('console.noCases') }}
            rowClassName={(row) =>
              [
                isHighlighted(highlights, row.id, now) ? 'queue-row-new' : '',
                unseenIds.has(row.id) ? 'queue-row-pinned' : '',
                row.id === filters.selected ? 'queue-row-selected' : '',
                row.overdue ? 'queue-row-overdue' : '',
              ]
                .filter(Boolean)
                .join(' ')
            }
            onRow={(row) => {
              // The case number on the <tr> lets tests and support staff find a row without parsing cells.
              const data = { 'data-case-number': row.number };
              return {
                onClick: () => {
                  select(row.id);
                },
                ...data,
              };
            }}
            scroll={{ x: 'max-content' }}
            pagination={{
              current: filters.page,
              pageSize: filters.pageSize,
              total: list.data?.total ?? 0,
              showSizeChanger: true,
              pageSizeOptions: QUEUE_PAGE_SIZES.map(String),
              size: 'small',
            }}
            onChange={(pagination) => {
              setParams(
                writeCaseFilters({
                  ...filters,
                  page: pagination.current ?? 1,
                  pageSize: pagination.pageSize ?? filters.pageSize,
                }),
              );
            }}
          />
        </div>
        {filters.selected ? (
          <div className="console-detail">
            <CaseDetailPanel
              key={filters.selected}
              caseId={filters.selected}
              revision={revision}
              onClose={() => {
                select(null);
              }}
              onChanged={onChanged}
            />
          </div>
        ) : null}
      </div>
      <Modal
        open={staffEntry}
        title={t('staffEntry.title')}
        onCancel={() => {
          setStaffEntry(false);
        }}
        footer={null}
        destroyOnHidden
        width={640}
      >
        <ReportForm audience="staff" onSubmitted={onStaffEntry} submitLabel={t('staffEntry.submit')} />
      </Modal>
    </div>
  );
}
