import { RollbackOutlined } from '@ant-design/icons';
import type { Overview, Severity } from '@jiedao/contracts';
import { ConfigProvider, Progress, theme } from 'antd';
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, toApiError, type ApiError } from '../api/client';
import { useMe } from '../auth/AuthContext';
import { ProblemAlert } from '../components/ProblemAlert';
import { useDocumentTitle } from '../components/useDocumentTitle';
import { formatDateTime } from '../format';
import {
  reconcileIncidents,
  toLiveIncident,
  type LiveIncident,
  type StreamEvent,
} from '../governance/stream';
import { useNow } from '../governance/ticker';
import { StreamIndicator } from '../governance/ui';
import { useGovernanceStream } from '../governance/useGovernanceStream';
import { useGovLabels } from '../governance/useGovLabels';
import { formatRate } from '../governance/kpi';
import { toLanguage } from '../i18n/languages';
import { useGrids } from '../map/gridsCache';
import { EChart, registerScreenMap } from '../screen/EChart';
import {
  deviceTypeOption,
  incidentMapOption,
  linkageOption,
  SCREEN,
  stageOption,
  topCategoriesOption,
} from '../screen/options';
// The command center's text comes with its pages (see i18n/governance.ts).
import '../i18n/governance';

/** The overview is refetched this often; the stream brings incidents in between. */
const REFRESH_MS = 10_000;
/** Stream events that change the figures (device states, case moves) come in bursts: one refetch per burst. */
const EVENT_REFRESH_MS = 1_000;
/** Live incidents kept between two overviews (an alarm storm can send hundreds). */
const MAX_LIVE = 300;

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char] ?? char);
}

function Panel({
  title,
  children,
  className,
  testId,
}: {
  title: string;
  children: ReactNode;
  className?: string;
  testId?: string;
}) {
  return (
    <section className={className ? `screen-panel ${className}` : 'screen-panel'} data-testid={testId}>
      <h2 className="screen-panel-title">{title}</h2>
      <div className="screen-panel-body">{children}</div>
    </section>
  );
}

function Figure({
  label,
  value,
  tone,
  testId,
}: {
  label: string;
  value: ReactNode;
  tone?: string;
  testId?: string;
}) {
  return (
    <div className={tone ? `screen-figure screen-figure-${tone}` : 'screen-figure'} data-testid={testId}>
      <div className="screen-figure-value">{value}</div>
      <div className="screen-figure-label">{label}</div>
    </div>
  );
}

/** Date and time in Shanghai, ticking every second (its own component, so only it re-renders). */
function Clock() {
  const now = useNow();
  const text = formatDateTime(new Date(now).toISOString());
  return (
    <div className="screen-clock mono" aria-hidden="true">
      <span>{text.slice(0, 10)}</span>
      <strong>{text.slice(11)}</strong>
    </div>
  );
}

function RateRing({ label, rate }: { label: string; rate: number | null }) {
  const { t, i18n } = useTranslation();
  const percent = rate === null ? 0 : Math.round(rate * 1000) / 10;
  const color = rate === null ? SCREEN.muted : rate >= 0.95 ? '#52c41a' : rate >= 0.8 ? '#faad14' : '#ff4d4f';
  return (
    <div className="screen-rate">
      <Progress
        type="dashboard"
        percent={percent}
        size={128}
        strokeWidth={9}
        strokeColor={color}
        railColor="rgba(255,255,255,0.08)"
        format={() => (
          <span className="screen-rate-value">{formatRate(rate, i18n.language, t('common.none'))}</span>
        )}
      />
      <div className="screen-rate-label">{label}</div>
    </div>
  );
}

function IncidentMap({ incidents }: { incidents: readonly LiveIncident[] }) {
  const { t } = useTranslation();
  const labels = useGovLabels();
  const { data: grids, error } = useGrids();
  const byId = useMemo(() => new Map(incidents.map((incident) => [incident.id, incident])), [incidents]);
  const option = useMemo(() => {
    if (!grids) return null;
    registerScreenMap(grids);
    return incidentMapOption(grids, incidents, {
      severity: labels.severity,
      tooltip: (id) => {
        const incident = byId.get(id);
        if (!incident) return '';
        return [
          `<strong>${escapeHtml(incident.title || labels.category(incident.category))}</strong>`,
          `<div>${escapeHtml(labels.category(incident.category))} · ${escapeHtml(labels.severity(incident.severity))}</div>`,
          `<div>${escapeHtml(formatDateTime(incident.at))}${incident.caseNumber ? ` · ${escapeHtml(incident.caseNumber)}` : ''}</div>`,
        ].join('');
      },
    });
  }, [grids, incidents, labels, byId]);
  if (error) return <ProblemAlert error={error} />;
  if (!option) return <div className="screen-chart" />;
  return <EChart option={option} label={t('screen.mapLabel')} testId="screen-map" />;
}

function IncidentFeed({
  incidents,
  fresh,
}: {
  incidents: readonly LiveIncident[];
  fresh: ReadonlySet<string>;
}) {
  const { t } = useTranslation();
  const labels = useGovLabels();
  if (incidents.length === 0) return <div className="screen-empty">{t('screen.noIncidents')}</div>;
  return (
    <ol className="screen-feed" data-testid="screen-feed">
      {incidents.slice(0, 8).map((incident) => (
        <li
          key={incident.id}
          className={fresh.has(incident.id) ? 'screen-feed-item screen-feed-new' : 'screen-feed-item'}
        >
          <span
            className="screen-dot"
            style={{ background: SCREEN.severity[incident.severity] }}
            aria-hidden="true"
          />
          <span className="mono screen-feed-time">{formatDateTime(incident.at).slice(11, 16)}</span>
          <span className="screen-feed-severity" style={{ color: SCREEN.severity[incident.severity] }}>
            {labels.severity(incident.severity)}
          </span>
          <span className="screen-feed-title">{incident.title || labels.category(incident.category)}</span>
          {incident.caseNumber && <span className="mono screen-feed-case">{incident.caseNumber}</span>}
        </li>
      ))}
    </ol>
  );
}

const HEALTH_COLOR: Record<Overview['sources'][number]['health'], string> = {
  ok: '#52c41a',
  idle: '#7d8ea3',
  failing: '#ff4d4f',
  disconnected: '#faad14',
  disabled: '#4a5a70',
};
/** Problems first: the panel has room for about eight sources on the wall. */
const HEALTH_ORDER: readonly Overview['sources'][number]['health'][] = [
  'failing',
  'disconnected',
  'ok',
  'idle',
  'disabled',
];
const BROKER_COLOR: Record<Overview['broker']['state'], string> = {
  connected: '#52c41a',
  connecting: '#40a9ff',
  disconnected: '#ff4d4f',
  stopped: '#faad14',
  disabled: '#4a5a70',
};

function SourceHealth({ overview }: { overview: Overview }) {
  const { t } = useTranslation();
  return (
    <div className="screen-sources" data-testid="screen-sources">
      <div className="screen-broker">
        <span
          className="screen-dot"
          style={{ background: BROKER_COLOR[overview.broker.state] }}
          aria-hidden="true"
        />
        <span>{t('screen.broker')}</span>
        <strong>{t(`brokerState.${overview.broker.state}`)}</strong>
        {overview.broker.since && (
          <span className="screen-muted mono">
            {t('screen.brokerSince', { time: formatDateTime(overview.broker.since).slice(5, 16) })}
          </span>
        )}
      </div>
      <ul className="screen-source-list">
        {[...overview.sources]
          .sort((a, b) => HEALTH_ORDER.indexOf(a.health) - HEALTH_ORDER.indexOf(b.health))
          .map((source) => (
            <li key={source.code}>
              <span
                className="screen-dot"
                style={{ background: HEALTH_COLOR[source.health] }}
                aria-hidden="true"
              />
              <span className="screen-source-name">{source.name}</span>
              <span className="screen-source-health" style={{ color: HEALTH_COLOR[source.health] }}>
                {t(`sourceHealth.${source.health}`)}
              </span>
              <span className="screen-muted mono">
                {source.lastMessageAt ? formatDateTime(source.lastMessageAt).slice(11, 19) : t('common.none')}
              </span>
            </li>
          ))}
      </ul>
    </div>
  );
}

interface OverviewSnapshot {
  data: Overview;
  /** When this overview was asked for: live incidents announced before then are already in it (or resolved). */
  requestedAt: number;
}

/**
 * The overview, fetched now, every REFRESH_MS and whenever `refresh` is called. Requests are not
 * aborted by newer ones (on a slow link that would starve the screen); the newest request that
 * answers wins.
 */
function usePolledOverview(): {
  snapshot: OverviewSnapshot | null;
  error: ApiError | null;
  refresh: () => void;
} {
  const [snapshot, setSnapshot] = useState<OverviewSnapshot | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [round, setRound] = useState(0);
  const mounted = useRef(new AbortController());

  useEffect(() => {
    const controller = new AbortController();
    mounted.current = controller;
    const timer = window.setInterval(() => {
      setRound((value) => value + 1);
    }, REFRESH_MS);
    return () => {
      window.clearInterval(timer);
      controller.abort();
    };
  }, []);

  useEffect(() => {
    const requestedAt = Date.now();
    const signal = mounted.current.signal;
    api<Overview>('/api/governance/overview', { signal }).then(
      (data) => {
        setSnapshot((current) =>
          current && current.requestedAt > requestedAt ? current : { data, requestedAt },
        );
        setError(null);
      },
      (caught: unknown) => {
        if (!signal.aborted) setError(toApiError(caught));
      },
    );
  }, [round]);

  const refresh = useCallback(() => {
    setRound((value) => value + 1);
  }, []);
  return { snapshot, error, refresh };
}

/**
 * 指挥大屏: the command center's wall display, laid out for 1920 × 1080 with no app chrome. The
 * overview is refetched every ten seconds; new incidents arrive through the event stream in between
 * and ripple on the map at once.
 */
export default function ScreenPage() {
  const { t, i18n } = useTranslation();
  const labels = useGovLabels();
  const me = useMe();
  const english = toLanguage(i18n.language) === 'en';
  const title = t('screen.title', { tenant: english ? me.tenant.nameEn : me.tenant.name });
  useDocumentTitle(title);

  const overview = usePolledOverview();
  const refresh = overview.refresh;
  const [live, setLive] = useState<{ incident: LiveIncident; receivedAt: number }[]>([]);

  const eventTimer = useRef<number | undefined>(undefined);
  const refreshSoon = useCallback(() => {
    window.clearTimeout(eventTimer.current);
    eventTimer.current = window.setTimeout(refresh, EVENT_REFRESH_MS);
  }, [refresh]);
  useEffect(
    () => () => {
      window.clearTimeout(eventTimer.current);
    },
    [],
  );

  const onEvent = useCallback(
    (event: StreamEvent) => {
      if (event.topic === 'incident.created') {
        const receivedAt = Date.now();
        setLive((current) => [...current, { incident: event.incident, receivedAt }].slice(-MAX_LIVE));
      }
      refreshSoon();
    },
    [refreshSoon],
  );
  const streamStatus = useGovernanceStream({ onEvent, onResync: refresh });

  const data = overview.snapshot?.data;
  const requestedAt = overview.snapshot?.requestedAt ?? 0;
  const incidents = useMemo(
    () => reconcileIncidents((data?.openIncidents ?? []).map(toLiveIncident), live, requestedAt),
    [data, live, requestedAt],
  );
  const fresh = useMemo(() => new Set(live.map((entry) => entry.incident.id)), [live]);

  const deviceOption = useMemo(
    () =>
      data ? deviceTypeOption(data.devices, labels.deviceType, (state) => labels.deviceState(state)) : null,
    [data, labels],
  );
  const stagesOption = useMemo(
    () => (data ? stageOption(data.casesToday.byStage, labels.stage) : null),
    [data, labels],
  );
  const linkagesOption = useMemo(
    () => (data ? linkageOption(data.casesToday.byLinkage, labels.linkage) : null),
    [data, labels],
  );
  const categoriesOption = useMemo(
    () => (data ? topCategoriesOption(data.topCategories, labels.category) : null),
    [data, labels],
  );
  const severityCounts = useMemo(() => {
    const counts: Record<Severity, number> = { critical: 0, high: 0, medium: 0, low: 0 };
    for (const incident of incidents) counts[incident.severity] += 1;
    return counts;
  }, [incidents]);

  return (
    <ConfigProvider
      theme={{ algorithm: theme.darkAlgorithm, token: { fontSize: 14 } }}
      componentSize="middle"
    >
      <div className="screen" data-testid="screen">
        <header className="screen-header">
          <Clock />
          <h1 className="screen-title">{title}</h1>
          <div className="screen-header-side">
            <StreamIndicator status={streamStatus} />
            {data && (
              <span className="screen-muted" data-testid="screen-updated">
                {t('screen.updatedAt', { time: formatDateTime(data.at).slice(11) })}
              </span>
            )}
            <Link to="/console" className="screen-exit" data-testid="screen-exit">
              <RollbackOutlined /> {t('screen.exit')}
            </Link>
          </div>
        </header>
        {overview.error && !data && (
          <div className="screen-error">
            <ProblemAlert error={overview.error} onRetry={refresh} />
          </div>
        )}
        {data && (
          <main className="screen-body">
            <div className="screen-column">
              <Panel title={t('screen.devices')} className="screen-devices" testId="screen-devices">
                <div className="screen-figures screen-figures-5">
                  <Figure label={t('devices.statTotal')} value={data.devices.total} />
                  <Figure label={t('deviceState.online')} value={data.devices.online} tone="ok" />
                  <Figure label={t('deviceState.offline')} value={data.devices.offline} tone="muted" />
                  <Figure label={t('deviceState.alarm')} value={data.devices.alarm} tone="alarm" />
                  <Figure label={t('deviceState.fault')} value={data.devices.fault} tone="warn" />
                </div>
                {deviceOption && <EChart option={deviceOption} label={t('screen.devices')} />}
              </Panel>
              <Panel title={t('screen.cameras')} className="screen-cameras">
                <div className="screen-figures">
                  <Figure label={t('devices.statTotal')} value={data.cameras.total} />
                  <Figure label={t('deviceState.online')} value={data.cameras.online} tone="ok" />
                  <Figure label={t('deviceState.alarm')} value={data.cameras.alarm} tone="alarm" />
                </div>
              </Panel>
              <Panel title={t('screen.sources')} className="screen-source-panel">
                <SourceHealth overview={data} />
              </Panel>
            </div>
            <div className="screen-column screen-center">
              <div className="screen-figures screen-headline">
                <Figure
                  label={t('screen.figureCases')}
                  value={data.casesToday.total}
                  testId="screen-cases-today"
                />
                <Figure
                  label={t('screen.figureIncidents')}
                  value={incidents.length}
                  tone={severityCounts.critical > 0 ? 'alarm' : undefined}
                  testId="screen-open-incidents"
                />
                <Figure label={t('screen.figureAlarms')} value={data.devices.alarm} tone="alarm" />
                <Figure
                  label={t('screen.figureCameras')}
                  value={
                    <>
                      {data.cameras.online}
                      <span className="screen-figure-total">/{data.cameras.total}</span>
                    </>
                  }
                  tone="ok"
                />
              </div>
              <Panel
                title={`${t('screen.openIncidents')} · ${t('screen.openIncidentsTotal', { total: incidents.length })}`}
                className="screen-map-panel"
              >
                <IncidentMap incidents={incidents} />
              </Panel>
              <Panel title={t('screen.openIncidents')} className="screen-feed-panel">
                <IncidentFeed incidents={incidents} fresh={fresh} />
              </Panel>
            </div>
            <div className="screen-column">
              <Panel title={t('screen.onTime')} className="screen-rates" testId="screen-rates">
                <div className="screen-rate-row">
                  <RateRing label={t('screen.responseRate')} rate={data.onTime.responseRate} />
                  <RateRing label={t('screen.onTimeCloseRate')} rate={data.onTime.onTimeCloseRate} />
                  <RateRing label={t('screen.satisfactionRate')} rate={data.onTime.satisfactionRate} />
                </div>
              </Panel>
              <Panel title={t('screen.byStage')}>
                {stagesOption && <EChart option={stagesOption} label={t('screen.byStage')} />}
              </Panel>
              <Panel title={t('screen.byLinkage')}>
                {linkagesOption && <EChart option={linkagesOption} label={t('screen.byLinkage')} />}
              </Panel>
              <Panel title={t('screen.topCategories')}>
                {categoriesOption && <EChart option={categoriesOption} label={t('screen.topCategories')} />}
              </Panel>
            </div>
          </main>
        )}
      </div>
    </ConfigProvider>
  );
}
