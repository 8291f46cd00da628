import type { Community, Facility, FacilityType, GridFeatureCollection } from '@jiedao/contracts';
import type { ScatterSeriesOption } from 'echarts/charts';
import type { GeoComponentOption, LegendComponentOption, TooltipComponentOption } from 'echarts/components';
import type { ComposeOption } from 'echarts/core';
import { FACILITY_TYPES } from '../domain';
import { aspectScaleFor, featureBounds } from './geometry';
import { communityColor, FACILITY_STYLES, shade } from './palette';

export type MapOption = ComposeOption<
  GeoComponentOption | ScatterSeriesOption | TooltipComponentOption | LegendComponentOption
>;

export const MAP_NAME = 'jiedao-grids';
/** Regions are keyed by grid id (unique), not by name (names may repeat across communities). */
export const REGION_NAME_PROPERTY = 'id';
export const FACILITY_SERIES_PREFIX = 'facility:';

export interface MapModel {
  grids: GridFeatureCollection;
  /** Community order fixes the colours; callers sort by code so colours are stable. */
  communities: readonly Community[];
  facilities: readonly Facility[];
}

export interface MapView {
  elder: boolean;
  selectedGridId: string | null;
  selectedCommunityId: string | null;
  selectedFacilityId: string | null;
}

export interface MapTexts {
  facilityType: (type: FacilityType) => string;
  gridName: (gridId: string) => string;
  /** Tooltip HTML (already escaped) for a grid and for a facility. */
  gridTooltip: (gridId: string) => string;
  facilityTooltip: (facility: Facility) => string;
}

export interface FacilityDatum {
  name: string;
  value: [number, number];
  facilityId: string;
}

/** Facilities grouped by type, in the canonical type order; types without facilities are left out. */
export function groupFacilities(facilities: readonly Facility[]): [FacilityType, Facility[]][] {
  const groups = new Map<FacilityType, Facility[]>();
  for (const facility of facilities) {
    const list = groups.get(facility.type);
    if (list) list.push(facility);
    else groups.set(facility.type, [facility]);
  }
  return FACILITY_TYPES.flatMap((type) => {
    const list = groups.get(type);
    return list ? [[type, list] as [FacilityType, Facility[]]] : [];
  });
}

/** Index of each community in the given order, for colouring grids. */
export function communityIndex(communities: readonly Community[]): Map<string, number> {
  return new Map(communities.map((community, index) => [community.id, index]));
}

export function buildMapOption(model: MapModel, view: MapView, texts: MapTexts): MapOption {
  const { elder } = view;
  const colourIndex = communityIndex(model.communities);
  const bounds = featureBounds(model.grids);
  const baseSymbol = elder ? 16 : 11;
  const borderColor = elder ? '#1a1a1a' : '#ffffff';
  const borderWidth = elder ? 1.5 : 1;
  // Room kept free on the right for the legend (it is wider with elder-mode type).
  const legendWidth = elder ? 290 : 210;

  const regions: NonNullable<GeoComponentOption['regions']> = model.grids.features.map((feature) => {
    const index = colourIndex.get(feature.properties.communityId) ?? -1;
    const fill = communityColor(index);
    const selected = feature.properties.id === view.selectedGridId;
    const dimmed =
      view.selectedCommunityId !== null && feature.properties.communityId !== view.selectedCommunityId;
    return {
      name: feature.properties.id,
      itemStyle: {
        areaColor: fill,
        opacity: dimmed ? 0.35 : 1,
        borderColor: selected ? '#000000' : borderColor,
        borderWidth: selected ? 3 : borderWidth,
      },
      emphasis: {
        itemStyle: { areaColor: shade(fill, 0.18), borderColor: '#000000', borderWidth: 2 },
        label: { show: true },
      },
    };
  });

  const series: ScatterSeriesOption[] = groupFacilities(model.facilities).map(([type, facilities]) => {
    const style = FACILITY_STYLES[type];
    const data: FacilityDatum[] = facilities.map((facility) => ({
      name: facility.name,
      value: [facility.location.lng, facility.location.lat],
      facilityId: facility.id,
    }));
    return {
      id: `${FACILITY_SERIES_PREFIX}${type}`,
      name: `${texts.facilityType(type)} (${facilities.length})`,
      type: 'scatter',
      coordinateSystem: 'geo',
      geoIndex: 0,
      symbol: style.symbol,
      symbolSize: (_value: unknown, params: { data?: unknown }) => {
        const datum = params.data as FacilityDatum | undefined;
        const boost = datum?.facilityId === view.selectedFacilityId ? 8 : 0;
        return baseSymbol + style.sizeBoost + boost;
      },
      itemStyle: {
        color: style.color,
        borderColor: '#ffffff',
        borderWidth: elder ? 2 : 1.5,
        shadowBlur: 2,
        shadowColor: 'rgba(0, 0, 0, 0.35)',
      },
      emphasis: { scale: 1.4, itemStyle: { borderColor: '#000000', borderWidth: 2 } },
      data,
      zlevel: 1,
    };
  });

  return {
    animation: !elder,
    textStyle: { fontSize: elder ? 18 : 12 },
    tooltip: {
      // No hover pop-ups in 长者模式: details appear in the side panel on click instead.
      show: !elder,
      trigger: 'item',
      confine: true,
      enterable: false,
      formatter: (params) => {
        // Grid regions use geo.tooltip below; this one serves the facility markers.
        const item = Array.isArray(params) ? params[0] : params;
        if (!item) return '';
        const facilityId = (item.data as FacilityDatum | undefined)?.facilityId;
        const facility = model.facilities.find((candidate) => candidate.id === facilityId);
        return facility ? texts.facilityTooltip(facility) : '';
      },
    },
    legend: {
      // A vertical key on the right keeps all thirteen facility types visible at once.
      type: 'scroll',
      orient: 'vertical',
      right: 12,
      top: 'middle',
      itemGap: elder ? 14 : 10,
      itemWidth: elder ? 20 : 14,
      itemHeight: elder ? 20 : 14,
      textStyle: { fontSize: elder ? 18 : 12, color: elder ? '#000000' : '#333333' },
      pageTextStyle: { fontSize: elder ? 18 : 12 },
      pageIconSize: elder ? 20 : 14,
      backgroundColor: 'rgba(255, 255, 255, 0.92)',
      borderColor: elder ? '#1a1a1a' : '#e5e7eb',
      borderWidth: elder ? 2 : 1,
      borderRadius: 6,
      padding: elder ? 12 : 8,
    },
    geo: {
      map: MAP_NAME,
      nameProperty: REGION_NAME_PROPERTY,
      roam: true,
      scaleLimit: { min: 0.6, max: 16 },
      aspectScale: aspectScaleFor(bounds),
      top: 16,
      bottom: 16,
      left: 16,
      right: legendWidth,
      selectedMode: false,
      tooltip: { show: !elder, formatter: (params) => texts.gridTooltip(params.name) },
      itemStyle: { areaColor: '#f0f0f0', borderColor, borderWidth },
      label: {
        show: false,
        fontSize: elder ? 18 : 12,
        color: '#000000',
        fontWeight: elder ? 'bold' : 'normal',
        formatter: (params) => texts.gridName(params.name),
      },
      emphasis: { label: { show: true } },
      regions,
    },
    series,
  };
}
