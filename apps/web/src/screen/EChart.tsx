import type { GridFeatureCollection } from '@jiedao/contracts';
import { BarChart, EffectScatterChart, PieChart, ScatterChart } from 'echarts/charts';
import { GeoComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';
import { SCREEN_MAP, type ScreenOption } from './options';

// Everything the wall display draws, registered once; this module is only reachable from the screen page.
echarts.use([
  GeoComponent,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  BarChart,
  PieChart,
  ScatterChart,
  EffectScatterChart,
  CanvasRenderer,
]);

export function registerScreenMap(grids: GridFeatureCollection): void {
  echarts.registerMap(SCREEN_MAP, grids);
}

/**
 * One ECharts canvas that follows its container's size. Options are merged (not replaced) on update,
 * so a refresh every ten seconds animates the numbers instead of redrawing from scratch; series are
 * matched by id/index, which the option builders keep stable.
 */
export function EChart({ option, label, testId }: { option: ScreenOption; label: string; testId?: string }) {
  const container = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);

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
    chart.current?.setOption(option, { lazyUpdate: true });
  }, [option]);

  return <div ref={container} className="screen-chart" role="img" aria-label={label} data-testid={testId} />;
}
