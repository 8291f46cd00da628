import type { GridFeatureCollection } from '@jiedao/contracts';
import { ScatterChart } from 'echarts/charts';
import { GeoComponent, LegendScrollComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';
import { featureBounds } from './geometry';
import { MAP_NAME, type FacilityDatum, type MapOption } from './option';

// Only what the map needs: geo coordinates, a scatter layer, tooltip and a scrollable legend.
echarts.use([GeoComponent, ScatterChart, TooltipComponent, LegendScrollComponent, CanvasRenderer]);

export interface GridMapProps {
  grids: GridFeatureCollection;
  option: MapOption;
  onGridClick: (gridId: string) => void;
  onFacilityClick: (facilityId: string) => void;
  /** Changing this number puts zoom and pan back to the whole subdistrict. */
  resetToken: number;
  label: string;
}

/** The ECharts canvas. Pure GeoJSON: no tile server, no external requests. */
export function GridMap({ grids, option, onGridClick, onFacilityClick, resetToken, label }: GridMapProps) {
  const container = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const handlers = useRef({ onGridClick, onFacilityClick });
  const latestGrids = useRef(grids);

  useEffect(() => {
    handlers.current = { onGridClick, onFacilityClick };
  }, [onGridClick, onFacilityClick]);

  // Create the chart once; dispose on unmount. Resizes follow the container (window, sider collapse…).
  useEffect(() => {
    const element = container.current;
    if (!element) return undefined;
    const instance = echarts.init(element, undefined, { renderer: 'canvas' });
    chart.current = instance;
    instance.on('click', (params) => {
      if (params.componentType === 'geo' && typeof params.name === 'string') {
        handlers.current.onGridClick(params.name);
      } else if (params.componentType === 'series' && params.seriesType === 'scatter') {
        const datum = params.data as FacilityDatum | undefined;
        if (datum?.facilityId) handlers.current.onFacilityClick(datum.facilityId);
      }
    });
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

  // (Re-)register the GeoJSON whenever the grids change. Registering replaces the previous map of that name.
  useEffect(() => {
    echarts.registerMap(MAP_NAME, grids);
    latestGrids.current = grids;
  }, [grids]);

  useEffect(() => {
    chart.current?.setOption(option, { replaceMerge: ['series'], lazyUpdate: true });
  }, [option, grids]);

  useEffect(() => {
    if (resetToken === 0) return;
    // Only a new token resets the view; new grids keep the user's zoom (hence the ref, not a dependency).
    const bounds = featureBounds(latestGrids.current);
    if (!bounds) return;
    const center = [(bounds.minLng + bounds.maxLng) / 2, (bounds.minLat + bounds.maxLat) / 2];
    chart.current?.setOption({ geo: { zoom: 1, center } }, { lazyUpdate: true });
  }, [resetToken]);

  return <div ref={container} className="map-canvas" role="img" aria-label={label} data-testid="map-chart" />;
}
