import type { GridFeatureCollection, LngLat } from '@jiedao/contracts';
import { LinesChart, ScatterChart } from 'echarts/charts';
import { GeoComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';
import { aspectScaleFor, featureBounds } from '../../map/geometry';
import { useGrids } from '../../map/gridsCache';
import { geofenceRing, roundCoordinate } from '../geo';
import { useChart } from './chart';

echarts.use([GeoComponent, ScatterChart, LinesChart, CanvasRenderer]);

/** Registered under its own name: other maps register the same polygons with their own styles. */
const PICK_MAP = 'jiedao-grids-gig';

export interface PickMapProps {
  value: LngLat | null;
  radiusM?: number;
  onPick?: (point: LngLat) => void;
  label: string;
  /** Shown when the grid polygons cannot be loaded (typing the coordinates still works). */
  unavailable: string;
}

function buildOption(grids: GridFeatureCollection, value: LngLat | null, radiusM: number | undefined) {
  const bounds = featureBounds(grids);
  const series: object[] = [];
  if (value && radiusM)
    series.push({
      type: 'lines',
      coordinateSystem: 'geo',
      polyline: true,
      silent: true,
      lineStyle: { color: '#1d5fa6', width: 2, type: 'dashed' },
      data: [{ coords: geofenceRing(value, radiusM, 48) }],
    });
  if (value)
    series.push({
      type: 'scatter',
      coordinateSystem: 'geo',
      symbol: 'pin',
      symbolSize: 34,
      silent: true,
      itemStyle: { color: '#cf1322', borderColor: '#ffffff', borderWidth: 1.5 },
      data: [{ value: [value.lng, value.lat] }],
    });
  return {
    animation: false,
    geo: {
      map: PICK_MAP,
      nameProperty: 'id',
      roam: true,
      aspectScale: aspectScaleFor(bounds),
      top: 8,
      bottom: 8,
      left: 8,
      right: 8,
      selectedMode: false,
      itemStyle: { areaColor: '#eef2f7', borderColor: '#9aa5b1', borderWidth: 0.8 },
      emphasis: { disabled: true },
    },
    series,
  };
}

/**
 * The subdistrict's grid map (GeoJSON registered with ECharts, no tiles): tap to put the pin — a work
 * site, or a worker's home — and see the geofence around it.
 */
export default function PickMap({ value, radiusM, onPick, label, unavailable }: PickMapProps) {
  const { container, chart } = useChart();
  const { data: grids, error } = useGrids();
  const pick = useRef(onPick);

  useEffect(() => {
    pick.current = onPick;
  });

  useEffect(() => {
    const instance = chart.current;
    if (!grids || !instance) return;
    echarts.registerMap(PICK_MAP, grids);
    // Keep the reader's zoom and pan when only the pin moves.
    const roamed = instance.getOption() as { geo?: { center?: unknown; zoom?: unknown }[] } | undefined;
    const view = roamed?.geo?.[0];
    const option = buildOption(grids, value, radiusM);
    if (view?.center) Object.assign(option.geo, { center: view.center, zoom: view.zoom });
    instance.setOption(option, { notMerge: true });
  }, [chart, grids, value, radiusM]);

  useEffect(() => {
    const instance = chart.current;
    if (!instance) return undefined;
    const zr = instance.getZr();
    const onClick = (event: { offsetX: number; offsetY: number }) => {
      if (!instance.getOption()) return;
      const point = instance.convertFromPixel({ geoIndex: 0 }, [event.offsetX, event.offsetY]) as unknown;
      if (!Array.isArray(point) || typeof point[0] !== 'number' || typeof point[1] !== 'number') return;
      if (!Number.isFinite(point[0]) || !Number.isFinite(point[1])) return;
      pick.current?.({ lng: roundCoordinate(point[0]), lat: roundCoordinate(point[1]) });
    };
    zr.on('click', onClick);
    return () => {
      zr.off('click', onClick);
    };
  }, [chart, grids]);

  return (
    <div>
      {error && (
        <div className="muted-small" role="status">
          {unavailable}
        </div>
      )}
      <div ref={container} className="gig-pick-map" role="img" aria-label={label} data-testid="pick-map" />
    </div>
  );
}
