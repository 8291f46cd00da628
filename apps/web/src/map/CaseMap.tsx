import type { GridFeatureCollection, LngLat } from '@jiedao/contracts';
import { ScatterChart } from 'echarts/charts';
import { GeoComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';
import { aspectScaleFor, featureBounds } from './geometry';
import { useGrids } from './gridsCache';

echarts.use([GeoComponent, ScatterChart, CanvasRenderer]);

/** Registered under its own name: the big map registers the same polygons with other region styles. */
const CASE_MAP = 'jiedao-grids-case';

export interface CaseMapProps {
  location: LngLat | null;
  gridId: string | null;
  label: string;
  /** Marker colour (the case's severity). */
  color: string;
}

function buildOption(grids: GridFeatureCollection, props: CaseMapProps): echarts.EChartsCoreOption {
  const bounds = featureBounds(grids);
  const point = props.location;
  return {
    animation: false,
    geo: {
      map: CASE_MAP,
      nameProperty: 'id',
      roam: true,
      aspectScale: aspectScaleFor(bounds),
      top: 8,
      bottom: 8,
      left: 8,
      right: 8,
      // Zoom to the case so the street pattern around it is readable; the whole subdistrict otherwise.
      ...(point ? { center: [point.lng, point.lat], zoom: 3 } : {}),
      selectedMode: false,
      silent: true,
      itemStyle: { areaColor: '#eef2f7', borderColor: '#9aa5b1', borderWidth: 0.8 },
      regions: props.gridId
        ? [
            {
              name: props.gridId,
              itemStyle: { areaColor: '#d6e4ff', borderColor: '#1d39c4', borderWidth: 2 },
            },
          ]
        : [],
    },
    series: point
      ? [
          {
            type: 'scatter',
            coordinateSystem: 'geo',
            symbol: 'pin',
            symbolSize: 34,
            itemStyle: { color: props.color, borderColor: '#ffffff', borderWidth: 1.5 },
            data: [{ name: props.label, value: [point.lng, point.lat] }],
            silent: true,
          },
        ]
      : [],
  };
}

/** A small, lazily loaded map of where a case is: its grid highlighted and a pin on the spot. */
export default function CaseMap({ location, gridId, label, color }: CaseMapProps) {
  const container = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const { data: grids } = useGrids();

  useEffect(() => {
    const element = container.current;
    if (!element) return undefined;
    const instance = echarts.init(element, undefined, { renderer: 'canvas' });
    chart.current = instance;
    const observer = new ResizeObserver(() => {
      instance.resize();
    });
    observer.observe(element);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    if (!grids) return;
    echarts.registerMap(CASE_MAP, grids);
    chart.current?.setOption(buildOption(grids, { location, gridId, label, color }), { notMerge: true });
  }, [grids, location, gridId, label, color]);

  return <div ref={container} className="case-map" role="img" aria-label={label} data-testid="case-map" />;
}
