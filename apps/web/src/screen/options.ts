import type {
  CaseStage,
  DeviceStats,
  GridFeatureCollection,
  Linkage,
  Overview,
  Severity,
} from '@jiedao/contracts';
import { CASE_STAGES, LINKAGES, SEVERITIES } from '@jiedao/contracts/constants';
import type {
  BarSeriesOption,
  EffectScatterSeriesOption,
  PieSeriesOption,
  ScatterSeriesOption,
} from 'echarts/charts';
import type {
  GeoComponentOption,
  GridComponentOption,
  LegendComponentOption,
  TooltipComponentOption,
} from 'echarts/components';
import type { ComposeOption } from 'echarts/core';
import type { LiveIncident } from '../governance/stream';
import { aspectScaleFor, featureBounds } from '../map/geometry';

export type ScreenOption = ComposeOption<
  | GeoComponentOption
  | GridComponentOption
  | LegendComponentOption
  | TooltipComponentOption
  | BarSeriesOption
  | PieSeriesOption
  | ScatterSeriesOption
  | EffectScatterSeriesOption
>;

/** The wall display's palette: dark navy ground, cyan lines, and the severity colours on top. */
export const SCREEN = {
  text: '#d6e4ff',
  muted: '#8fa8c8',
  line: 'rgba(64, 169, 255, 0.25)',
  gridFill: '#0f2c52',
  gridBorder: '#2f7bd0',
  accent: '#36cfc9',
  severity: { critical: '#ff4d4f', high: '#ff9c2e', medium: '#fadb14', low: '#40a9ff' } as Record<
    Severity,
    string
  >,
  state: { online: '#52c41a', offline: '#7d8ea3', alarm: '#ff4d4f', fault: '#faad14' },
  series: ['#36cfc9', '#40a9ff', '#9254de', '#f759ab', '#ffc53d', '#73d13d', '#ff7a45'],
} as const;

/** The loop stages a day's cases are counted in (suspended and duplicates are not part of the loop). */
export const LOOP_STAGES: readonly CaseStage[] = CASE_STAGES.filter(
  (stage) => stage !== 'suspended' && stage !== 'duplicate',
);

export const SCREEN_MAP = 'jiedao-grids-screen';

interface IncidentDatum {
  name: string;
  value: [number, number];
  incidentId: string;
}

/** Incidents with a place, grouped by severity (most severe first); those without a place cannot be drawn. */
export function incidentsBySeverity(incidents: readonly LiveIncident[]): Map<Severity, IncidentDatum[]> {
  const groups = new Map<Severity, IncidentDatum[]>(SEVERITIES.map((severity) => [severity, []]));
  for (const incident of incidents) {
    if (!incident.location) continue;
    groups.get(incident.severity)?.push({
      name: incident.title,
      value: [incident.location.lng, incident.location.lat],
      incidentId: incident.id,
    });
  }
  return groups;
}

export interface MapTexts {
  severity: (severity: Severity) => string;
  tooltip: (incidentId: string) => string;
}

/**
 * The big map: grids in navy with bright borders; open incidents on top, one series per severity so
 * the legend doubles as a count. Critical and high ones ripple (effectScatter) so they catch the eye.
 */
export function incidentMapOption(
  grids: GridFeatureCollection,
  incidents: readonly LiveIncident[],
  texts: MapTexts,
): ScreenOption {
  const bounds = featureBounds(grids);
  const groups = incidentsBySeverity(incidents);
  const series: (ScatterSeriesOption | EffectScatterSeriesOption)[] = SEVERITIES.map((severity) => {
    const data = groups.get(severity) ?? [];
    const urgent = severity === 'critical' || severity === 'high';
    const common = {
      id: `incidents:${severity}`,
      name: `${texts.severity(severity)} ${data.length}`,
      coordinateSystem: 'geo' as const,
      data,
      symbolSize: urgent ? 16 : 11,
      itemStyle: { color: SCREEN.severity[severity], borderColor: '#ffffff', borderWidth: 1 },
      zlevel: 1,
    };
    return urgent
      ? {
          ...common,
          type: 'effectScatter' as const,
          rippleEffect: { scale: 3.5, brushType: 'stroke' as const, period: 3 },
        }
      : { ...common, type: 'scatter' as const };
  });
  return {
    backgroundColor: 'transparent',
    textStyle: { color: SCREEN.text, fontSize: 14 },
    tooltip: {
      trigger: 'item',
      confine: true,
      backgroundColor: 'rgba(6, 20, 44, 0.92)',
      borderColor: SCREEN.gridBorder,
      textStyle: { color: SCREEN.text, fontSize: 14 },
      formatter: (params) => {
        const item = Array.isArray(params) ? params[0] : params;
        const datum = item?.data as IncidentDatum | undefined;
        return datum?.incidentId ? texts.tooltip(datum.incidentId) : '';
      },
    },
    legend: {
      bottom: 12,
      left: 'center',
      itemGap: 24,
      textStyle: { color: SCREEN.text, fontSize: 15 },
      inactiveColor: '#3a4d66',
    },
    geo: {
      map: SCREEN_MAP,
      nameProperty: 'id',
      roam: true,
      aspectScale: aspectScaleFor(bounds),
      top: 24,
      bottom: 56,
      left: 24,
      right: 24,
      selectedMode: false,
      silent: true,
      itemStyle: {
        areaColor: SCREEN.gridFill,
        borderColor: SCREEN.gridBorder,
        borderWidth: 1,
        shadowColor: 'rgba(54, 207, 201, 0.35)',
        shadowBlur: 8,
      },
    },
    series,
  };
}

const axisCommon = {
  axisLine: { lineStyle: { color: SCREEN.line } },
  axisTick: { show: false },
  axisLabel: { color: SCREEN.muted, fontSize: 13 },
  splitLine: { lineStyle: { color: SCREEN.line, type: 'dashed' as const } },
};

/** Devices of each type by state, as stacked horizontal bars (online, offline, alarm, fault). */
export function deviceTypeOption(
  stats: DeviceStats,
  typeName: (type: DeviceStats['byType'][number]['type']) => string,
  stateName: (state: 'online' | 'offline' | 'alarm' | 'fault') => string,
): ScreenOption {
  const rows = [...stats.byType].sort((a, b) => a.total - b.total);
  const states = ['online', 'offline', 'alarm', 'fault'] as const;
  return {
    backgroundColor: 'transparent',
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: {
      top: 0,
      right: 0,
      itemWidth: 12,
      itemHeight: 12,
      textStyle: { color: SCREEN.muted, fontSize: 13 },
    },
    grid: { left: 8, right: 16, top: 28, bottom: 4, containLabel: true },
    xAxis: { type: 'value', ...axisCommon },
    yAxis: {
      type: 'category',
      data: rows.map((row) => typeName(row.type)),
      ...axisCommon,
      splitLine: { show: false },
    },
    series: states.map((state) => ({
      type: 'bar',
      name: stateName(state),
      stack: 'devices',
      barWidth: 12,
      itemStyle: { color: SCREEN.state[state] },
      data: rows.map((row) => row[state]),
    })),
  };
}

/** Today's cases in each stage of the loop, in loop order (stages without cases show 0). */
export function stageCounts(
  byStage: Overview['casesToday']['byStage'],
): { stage: CaseStage; count: number }[] {
  const counts = new Map(byStage.map((entry) => [entry.stage, entry.count]));
  return LOOP_STAGES.map((stage) => ({ stage, count: counts.get(stage) ?? 0 }));
}

export function stageOption(
  byStage: Overview['casesToday']['byStage'],
  stageName: (stage: CaseStage) => string,
): ScreenOption {
  const rows = stageCounts(byStage);
  const names = rows.map((row) => stageName(row.stage));
  // Chinese stage names are two to four characters; English ones would overlap side by side.
  const rotate = Math.max(...names.map((name) => name.length)) > 5 ? 35 : 0;
  return {
    backgroundColor: 'transparent',
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    grid: { left: 4, right: 8, top: 24, bottom: 4, containLabel: true },
    xAxis: {
      type: 'category',
      data: names,
      ...axisCommon,
      axisLabel: { color: SCREEN.muted, fontSize: 12, interval: 0, rotate },
      splitLine: { show: false },
    },
    yAxis: { type: 'value', minInterval: 1, ...axisCommon },
    series: [
      {
        type: 'bar',
        barWidth: 18,
        data: rows.map((row) => row.count),
        label: { show: true, position: 'top', color: SCREEN.text, fontSize: 13 },
        itemStyle: {
          borderRadius: [4, 4, 0, 0],
          color: {
            type: 'linear',
            x: 0,
            y: 0,
            x2: 0,
            y2: 1,
            colorStops: [
              { offset: 0, color: SCREEN.accent },
              { offset: 1, color: 'rgba(54, 207, 201, 0.15)' },
            ],
          },
        },
      },
    ],
  };
}

/** The six linkages (六联) as a ring; every linkage is listed in the legend, even with no case today. */
export function linkageOption(
  byLinkage: Overview['casesToday']['byLinkage'],
  linkageName: (linkage: Linkage) => string,
): ScreenOption {
  const counts = new Map(byLinkage.map((entry) => [entry.linkage, entry.count]));
  return {
    backgroundColor: 'transparent',
    color: [...SCREEN.series],
    tooltip: { trigger: 'item', formatter: '{b}：{c}（{d}%）' },
    legend: {
      orient: 'vertical',
      right: 0,
      top: 'middle',
      itemWidth: 12,
      itemHeight: 12,
      itemGap: 10,
      textStyle: { color: SCREEN.text, fontSize: 13 },
    },
    series: [
      {
        type: 'pie',
        radius: ['48%', '76%'],
        center: ['28%', '50%'],
        avoidLabelOverlap: true,
        label: { show: false },
        itemStyle: { borderColor: '#071a33', borderWidth: 2 },
        data: LINKAGES.map((linkage) => ({ name: linkageName(linkage), value: counts.get(linkage) ?? 0 })),
      },
    ],
  };
}

/** The most frequent categories (at most five), largest at the top. */
export function topCategoriesOption(
  top: Overview['topCategories'],
  categoryName: (code: string) => string,
): ScreenOption {
  const rows = [...top]
    .sort((a, b) => b.count - a.count)
    .slice(0, 5)
    .reverse();
  return {
    backgroundColor: 'transparent',
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    grid: { left: 4, right: 36, top: 8, bottom: 4, containLabel: true },
    xAxis: {
      type: 'value',
      minInterval: 1,
      ...axisCommon,
      axisLabel: { show: false },
      splitLine: { show: false },
    },
    yAxis: {
      type: 'category',
      data: rows.map((row) => categoryName(row.category)),
      ...axisCommon,
      axisLabel: { color: SCREEN.text, fontSize: 14 },
      splitLine: { show: false },
    },
    series: [
      {
        type: 'bar',
        barWidth: 14,
        data: rows.map((row) => row.count),
        label: { show: true, position: 'right', color: SCREEN.text, fontSize: 14 },
        itemStyle: { borderRadius: [0, 7, 7, 0], color: SCREEN.severity.high },
      },
    ],
  };
}
