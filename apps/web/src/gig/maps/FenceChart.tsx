import type { LngLat } from '@jiedao/contracts';
import { LineChart, ScatterChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect } from 'react';
import { toLocalMetres } from '../geo';
import { useChart } from './chart';

echarts.use([GridComponent, LegendComponent, TooltipComponent, LineChart, ScatterChart, CanvasRenderer]);

export interface FenceChartProps {
  site: LngLat;
  radiusM: number;
  position: LngLat | null;
  accuracyM: number | null;
  texts: { site: string; fence: string; you: string; east: string; north: string; label: string };
}

function circle(radius: number, steps = 72): [number, number][] {
  return Array.from({ length: steps + 1 }, (_, index) => {
    const angle = (2 * Math.PI * index) / steps;
    return [Math.round(radius * Math.sin(angle) * 10) / 10, Math.round(radius * Math.cos(angle) * 10) / 10];
  });
}

/**
 * Where the worker is against the site's geofence, in metres east and north of the site: no map tiles,
 * so it works offline and shows exactly the distance the server measures. Square, equal axes.
 */
export default function FenceChart({ site, radiusM, position, accuracyM, texts }: FenceChartProps) {
  const { container, chart } = useChart();

  useEffect(() => {
    const here = position ? toLocalMetres(site, position) : null;
    const reach = Math.max(radiusM * 1.3, here ? Math.hypot(here.east, here.north) * 1.15 : 0, 100);
    const extent = Math.ceil(reach / 50) * 50;
    const series: echarts.EChartsCoreOption['series'] = [
      {
        name: texts.fence,
        type: 'line',
        data: circle(radiusM),
        showSymbol: false,
        silent: true,
        lineStyle: { color: '#1d5fa6', width: 2, type: 'dashed' },
        areaStyle: undefined,
      },
      {
        name: texts.site,
        type: 'scatter',
        data: [[0, 0]],
        symbol: 'pin',
        symbolSize: 30,
        itemStyle: { color: '#1d5fa6' },
      },
    ];
    if (here) {
      if (accuracyM !== null && accuracyM > 0)
        (series as object[]).push({
          name: texts.you,
          type: 'line',
          data: circle(accuracyM, 36).map(([x, y]) => [x + here.east, y + here.north]),
          showSymbol: false,
          silent: true,
          lineStyle: { color: '#fa8c16', width: 1, opacity: 0.6 },
        });
      (series as object[]).push({
        name: texts.you,
        type: 'scatter',
        data: [[Math.round(here.east), Math.round(here.north)]],
        symbolSize: 16,
        itemStyle: { color: '#fa541c', borderColor: '#ffffff', borderWidth: 2 },
      });
    }
    chart.current?.setOption(
      {
        animation: false,
        grid: { left: 48, right: 16, top: 32, bottom: 40, containLabel: false },
        legend: { data: [texts.site, texts.fence, texts.you], top: 0 },
        tooltip: { trigger: 'item', valueFormatter: (value: unknown) => `${String(value)} m` },
        xAxis: {
          type: 'value',
          min: -extent,
          max: extent,
          name: texts.east,
          nameLocation: 'middle',
          nameGap: 24,
        },
        yAxis: {
          type: 'value',
          min: -extent,
          max: extent,
          name: texts.north,
          nameLocation: 'middle',
          nameGap: 36,
        },
        series,
      },
      { notMerge: true },
    );
  }, [chart, site, radiusM, position, accuracyM, texts]);

  return (
    <div
      ref={container}
      className="gig-fence-chart"
      role="img"
      aria-label={texts.label}
      data-testid="fence-chart"
    />
  );
}
