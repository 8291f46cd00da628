import { AimOutlined, ArrowLeftOutlined } from '@ant-design/icons';
import type { Community, CommunityDetail, Facility, GridFeatureCollection } from '@jiedao/contracts';
import { Button, Card, Descriptions, Empty, Flex, Spin, Table, Tag, Typography } from 'antd';
import type { DescriptionsProps, TableProps } from 'antd';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApi } from '../api/useApi';
import { ProblemAlert } from '../components/ProblemAlert';
import { useDocumentTitle } from '../components/useDocumentTitle';
import { useLabels, type Labels } from '../components/useLabels';
import { formatArea, formatOpeningHours } from '../format';
import { GridMap } from '../map/GridMap';
import { buildMapOption, communityIndex } from '../map/option';
import { communityColor, FACILITY_STYLES } from '../map/palette';
import { useAllFacilities } from '../map/useAllFacilities';
import { useElderMode } from '../prefs/ElderMode';

type Selection =
  { kind: 'community'; id: string } | { kind: 'grid'; id: string } | { kind: 'facility'; id: string } | null;

type GridProperties = GridFeatureCollection['features'][number]['properties'];

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

function Swatch({ color }: { color: string }) {
  return <span className="swatch" style={{ background: color }} aria-hidden="true" />;
}

function FacilityMarker({ facility }: { facility: Facility }) {
  const style = FACILITY_STYLES[facility.type];
  return (
    <span
      className={`marker marker-${style.symbol}`}
      style={{ background: style.color }}
      aria-hidden="true"
    />
  );
}

interface PanelProps {
  labels: Labels;
  communities: Community[];
  colours: Map<string, number>;
  facilities: Facility[];
  grids: Map<string, GridProperties>;
  select: (selection: Selection) => void;
}

function CommunityList({ labels, communities, colours, select }: PanelProps) {
  const { t } = useTranslation();
  const columns: TableProps<Community>['columns'] = [
    {
      key: 'name',
      title: t('map.communityColumn'),
      render: (_, community) => (
        <Button
          type="link"
          className="panel-link"
          onClick={() => {
            select({ kind: 'community', id: community.id });
          }}
          data-testid={`community-${community.code}`}
        >
          <Swatch color={communityColor(colours.get(community.id) ?? -1)} />
          {labels.localName(community.name, community.nameEn)}
        </Button>
      ),
    },
    { key: 'grids', title: t('map.gridsColumn'), dataIndex: 'gridCount', align: 'right', width: 64 },
    {
      key: 'facilities',
      title: t('map.facilitiesColumn'),
      dataIndex: 'facilityCount',
      align: 'right',
      width: 64,
    },
  ];
  return (
    <div data-testid="community-list">
      <Table<Community>
        rowKey="id"
        size="small"
        columns={columns}
        dataSource={communities}
        pagination={false}
      />
    </div>
  );
}

function FacilityLinks({
  facilities,
  labels,
  select,
}: {
  facilities: Facility[];
  labels: Labels;
  select: PanelProps['select'];
}) {
  const { t } = useTranslation();
  if (facilities.length === 0)
    return <Typography.Text type="secondary">{t('map.noFacilities')}</Typography.Text>;
  return (
    <ul className="panel-list">
      {facilities.map((facility) => (
        <li key={facility.id}>
          <Button
            type="link"
            className="panel-link"
            onClick={() => {
              select({ kind: 'facility', id: facility.id });
            }}
          >
            <FacilityMarker facility={facility} />
            {labels.localName(facility.name, facility.nameEn)}
          </Button>
          <Typography.Text type="secondary" className="panel-sub">
            {labels.facilityType(facility.type)}
          </Typography.Text>
        </li>
      ))}
    </ul>
  );
}

function CommunityPanel({ id, labels, colours, facilities, select }: PanelProps & { id: string }) {
  const { t } = useTranslation();
  const detail = useApi<CommunityDetail>(`/api/places/communities/${encodeURIComponent(id)}`);
  if (detail.error) return <ProblemAlert error={detail.error} onRetry={detail.reload} />;
  if (!detail.data || detail.data.id !== id) return <Spin />;
  const community = detail.data;
  const inCommunity = facilities.filter((facility) => facility.communityId === id);
  return (
    <Flex vertical gap={12} data-testid="community-detail">
      <Typography.Title level={5} style={{ margin: 0 }}>
        <Swatch color={communityColor(colours.get(id) ?? -1)} />
        {labels.localName(community.name, community.nameEn)}
      </Typography.Title>
      <Typography.Text>
        {t('map.communitySummary', {
          grids: community.grids.length,
          facilities: community.facilityCount,
        })}
      </Typography.Text>
      <Typography.Text strong>{t('map.gridsInCommunity')}</Typography.Text>
      <ul className="panel-list">
        {community.grids.map((grid) => (
          <li key={grid.id}>
            <Button
              type="link"
              className="panel-link"
              onClick={() => {
                select({ kind: 'grid', id: grid.id });
              }}
            >
              {grid.name}
            </Button>
            <Typography.Text type="secondary" className="panel-sub mono">
              {grid.code}
            </Typography.Text>
          </li>
        ))}
      </ul>
      <Typography.Text strong>{t('map.facilitiesColumn')}</Typography.Text>
      <FacilityLinks facilities={inCommunity} labels={labels} select={select} />
    </Flex>
  );
}

function GridPanel({
  id,
  labels,
  colours,
  communities,
  facilities,
  grids,
  select,
}: PanelProps & { id: string }) {
  const { t } = useTranslation();
  const grid = grids.get(id);
  const detail = useApi<CommunityDetail>(
    grid ? `/api/places/communities/${encodeURIComponent(grid.communityId)}` : null,
  );
  if (!grid) return <Empty description={t('status.notFoundTitle')} />;
  const community = communities.find((candidate) => candidate.id === grid.communityId);
  const area = detail.data?.grids.find((candidate) => candidate.id === id)?.areaM2;
  const inGrid = facilities.filter((facility) => facility.gridId === id);
  const items: DescriptionsProps['items'] = [
    { key: 'name', label: t('map.gridName'), children: grid.name },
    { key: 'code', label: t('map.gridCode'), children: <span className="mono">{grid.code}</span> },
    {
      key: 'community',
      label: t('map.community'),
      children: (
        <Button
          type="link"
          className="panel-link"
          onClick={() => {
            select({ kind: 'community', id: grid.communityId });
          }}
        >
          <Swatch color={communityColor(colours.get(grid.communityId) ?? -1)} />
          {community ? labels.localName(community.name, community.nameEn) : grid.communityName}
        </Button>
      ),
    },
    {
      key: 'area',
      label: t('map.area'),
      children: area === undefined ? t('common.none') : formatArea(area, t, labels.language),
    },
  ];
  return (
    <Flex vertical gap={12} data-testid="grid-detail">
      <Typography.Title level={5} style={{ margin: 0 }}>
        {t('map.gridDetail')}
      </Typography.Title>
      <Descriptions items={items} column={1} size="small" bordered />
      <Typography.Text strong>{t('map.facilitiesInGrid')}</Typography.Text>
      <FacilityLinks facilities={inGrid} labels={labels} select={select} />
    </Flex>
  );
}

function FacilityPanel({ id, labels, communities, facilities, grids, select }: PanelProps & { id: string }) {
  const { t } = useTranslation();
  const facility = facilities.find((candidate) => candidate.id === id);
  if (!facility) return <Empty description={t('status.notFoundTitle')} />;
  const community = communities.find((candidate) => candidate.id === facility.communityId);
  const grid = facility.gridId ? grids.get(facility.gridId) : undefined;
  const items: DescriptionsProps['items'] = [
    {
      key: 'type',
      label: t('facilities.type'),
      children: (
        <Flex gap={6} align="center" wrap="wrap">
          <FacilityMarker facility={facility} />
          {labels.facilityType(facility.type)}
          {facility.tier && <Tag>{labels.tier(facility.tier)}</Tag>}
        </Flex>
      ),
    },
    { key: 'address', label: t('facilities.address'), children: facility.address },
    { key: 'hours', label: t('facilities.hours'), children: formatOpeningHours(facility.openingHours, t) },
    {
      key: 'phone',
      label: t('facilities.phone'),
      children: facility.phone ? <span className="mono">{facility.phone}</span> : t('common.none'),
    },
    {
      key: 'community',
      label: t('map.community'),
      children: (
        <Button
          type="link"
          className="panel-link"
          onClick={() => {
            select({ kind: 'community', id: facility.communityId });
          }}
        >
          {community ? labels.localName(community.name, community.nameEn) : facility.communityName}
        </Button>
      ),
    },
    {
      key: 'grid',
      label: t('facilities.grid'),
      children:
        grid && facility.gridId ? (
          <Button
            type="link"
            className="panel-link"
            onClick={() => {
              select({ kind: 'grid', id: grid.id });
            }}
          >
            {grid.name} <span className="mono">({grid.code})</span>
          </Button>
        ) : (
          t('common.none')
        ),
    },
  ];
  return (
    <Flex vertical gap={12} data-testid="facility-detail">
      <Typography.Title level={5} style={{ margin: 0 }}>
        {labels.localName(facility.name, facility.nameEn)}
      </Typography.Title>
      <Descriptions items={items} column={1} size="small" bordered />
    </Flex>
  );
}

export default function MapPage() {
  const { t } = useTranslation();
  const labels = useLabels();
  const { elder } = useElderMode();
  useDocumentTitle(t('map.title'));

  const gridsState = useApi<GridFeatureCollection>('/api/places/grids');
  const communitiesState = useApi<Community[]>('/api/places/communities');
  const facilitiesState = useAllFacilities();
  const [selection, setSelection] = useState<Selection>(null);
  const [resetToken, setResetToken] = useState(0);
  const panel = useRef<HTMLDivElement>(null);

  // In 长者模式 the details panel sits below the map: bring it into view when something is picked.
  useEffect(() => {
    if (elder && selection) panel.current?.scrollIntoView({ behavior: 'smooth', block: 'start' });
  }, [elder, selection]);

  const grids = gridsState.data;
  const communities = useMemo(
    () => [...(communitiesState.data ?? [])].sort((a, b) => a.code.localeCompare(b.code)),
    [communitiesState.data],
  );
  const facilities = useMemo(() => facilitiesState.data ?? [], [facilitiesState.data]);
  const colours = useMemo(() => communityIndex(communities), [communities]);
  const gridById = useMemo(
    () => new Map((grids?.features ?? []).map((feature) => [feature.properties.id, feature.properties])),
    [grids],
  );
  const communityName = useCallback(
    (id: string, fallback: string) => {
      const community = communities.find((candidate) => candidate.id === id);
      return community ? labels.localName(community.name, community.nameEn) : fallback;
    },
    [communities, labels],
  );

  const option = useMemo(() => {
    if (!grids) return null;
    const line = (label: string, value: string) =>
      `<div>${escapeHtml(t('common.labelValue', { label, value }))}</div>`;
    return buildMapOption(
      { grids, communities, facilities },
      {
        elder,
        selectedGridId: selection?.kind === 'grid' ? selection.id : null,
        selectedCommunityId: selection?.kind === 'community' ? selection.id : null,
        selectedFacilityId: selection?.kind === 'facility' ? selection.id : null,
      },
      {
        facilityType: labels.facilityType,
        gridName: (id) => gridById.get(id)?.name ?? '',
        gridTooltip: (id) => {
          const grid = gridById.get(id);
          if (!grid) return '';
          return [
            `<strong>${escapeHtml(grid.name)}</strong>`,
            line(t('map.community'), communityName(grid.communityId, grid.communityName)),
            line(t('map.gridCode'), grid.code),
          ].join('');
        },
        facilityTooltip: (facility) =>
          [
            `<strong>${escapeHtml(labels.localName(facility.name, facility.nameEn))}</strong>`,
            line(
              t('facilities.type'),
              facility.tier
                ? `${labels.facilityType(facility.type)} · ${labels.tier(facility.tier)}`
                : labels.facilityType(facility.type),
            ),
            line(t('facilities.address'), facility.address),
            line(t('facilities.hours'), formatOpeningHours(facility.openingHours, t)),
          ].join(''),
      },
    );
  }, [grids, communities, facilities, elder, selection, labels, gridById, communityName, t]);

  const onGridClick = useCallback((id: string) => {
    setSelection({ kind: 'grid', id });
  }, []);
  const onFacilityClick = useCallback((id: string) => {
    setSelection({ kind: 'facility', id });
  }, []);

  const error = gridsState.error ?? communitiesState.error;
  const gridCount = grids?.features.length ?? 0;
  const panelProps: PanelProps = {
    labels,
    communities,
    colours,
    facilities,
    grids: gridById,
    select: setSelection,
  };

  return (
    <div className="page map-page">
      <Flex justify="space-between" align="center" wrap="wrap" gap={12} className="page-heading">
        <Flex align="baseline" gap={16} wrap="wrap">
          <Typography.Title level={3} style={{ margin: 0 }}>
            {t('map.title')}
          </Typography.Title>
          {grids && communitiesState.data && (
            <Typography.Text type="secondary" data-testid="map-totals">
              {t('map.totals', {
                communities: communities.length,
                grids: gridCount,
                facilities: facilitiesState.data ? facilities.length : '…',
              })}
            </Typography.Text>
          )}
        </Flex>
        <Button
          icon={<AimOutlined />}
          onClick={() => {
            setResetToken((value) => value + 1);
          }}
          disabled={!grids}
        >
          {t('map.resetView')}
        </Button>
      </Flex>
      {error && (
        <ProblemAlert
          error={error}
          onRetry={() => {
            gridsState.reload();
            communitiesState.reload();
          }}
        />
      )}
      {facilitiesState.error && (
        <ProblemAlert error={facilitiesState.error} onRetry={facilitiesState.reload} />
      )}
      <div className={elder ? 'map-layout map-layout-elder' : 'map-layout'}>
        <Card className="map-card" variant="outlined" styles={{ body: { padding: 0, height: '100%' } }}>
          {grids && option ? (
            <GridMap
              grids={grids}
              option={option}
              onGridClick={onGridClick}
              onFacilityClick={onFacilityClick}
              resetToken={resetToken}
              label={t('map.chartLabel')}
            />
          ) : (
            <div className="page-center" aria-busy="true">
              {!error && <Spin size="large" description={t('app.loading')} />}
            </div>
          )}
        </Card>
        <div ref={panel} className="map-panel-wrap">
          <Card
            className="map-panel"
            variant="outlined"
            title={
              selection ? (
                <Button
                  type="text"
                  icon={<ArrowLeftOutlined />}
                  onClick={() => {
                    setSelection(null);
                  }}
                  data-testid="map-back"
                >
                  {t('map.back')}
                </Button>
              ) : (
                t('map.communities')
              )
            }
            data-testid="map-panel"
          >
            {!selection && (
              <Flex vertical gap={12}>
                <Typography.Text type="secondary">{t('map.selectHint')}</Typography.Text>
                <CommunityList {...panelProps} />
                {facilitiesState.loading && !facilitiesState.data && (
                  <Typography.Text type="secondary">{t('map.loadingFacilities')}</Typography.Text>
                )}
              </Flex>
            )}
            {selection?.kind === 'community' && (
              <CommunityPanel key={selection.id} id={selection.id} {...panelProps} />
            )}
            {selection?.kind === 'grid' && <GridPanel key={selection.id} id={selection.id} {...panelProps} />}
            {selection?.kind === 'facility' && (
              <FacilityPanel key={selection.id} id={selection.id} {...panelProps} />
            )}
          </Card>
        </div>
      </div>
    </div>
  );
}
