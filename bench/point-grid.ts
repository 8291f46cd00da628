/**
 * Point → grid lookup benchmark: GridIndex (flatbush + exact point-in-polygon) against the
 * linear scan, over the demo layer (~40 grids) and a synthetic 10,000-grid layer.
 *
 *   npx tsx bench/point-grid.ts
 *
 * Prints a table and a one-line JSON summary. Rates are medians of several rounds; "cpu" rates
 * use process CPU time, which is steadier than wall time on a shared machine. No assertions.
 */
import { loadavg } from 'node:os';
import type { BBox } from '../apps/server/src/platform/geo/geojson.js';
import { bbox } from '../apps/server/src/platform/geo/geojson.js';
import { GridIndex, type GridIndexEntry } from '../apps/server/src/platform/geo/grid-index.js';
import {
  GUDANG_BOUNDARY,
  createRng,
  generateDemoGrids,
  generateSyntheticGrids,
} from '../apps/server/src/platform/geo/synthetic.js';

const ROUNDS = 5;
const INDEX_POINTS = 1_000_000;

interface Layer {
  name: string;
  entries: Array<GridIndexEntry<string>>;
  box: BBox;
  /** Points per linear-scan round: fewer for big layers so the run stays short. */
  linearPoints: number;
}

interface Rate {
  wall: number;
  cpu: number;
}

interface LayerResult {
  layer: string;
  grids: number;
  buildMs: number;
  index: Rate;
  linear: Rate;
  ratio: number;
  hitRate: number;
  mismatches: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Uniform points over the layer's bbox grown by 2 %, so a few fall outside every grid. */
function randomPoints(box: BBox, count: number, seed: number): Float64Array {
  const rng = createRng(seed);
  const dx = (box[2] - box[0]) * 0.02;
  const dy = (box[3] - box[1]) * 0.02;
  const points = new Float64Array(count * 2);
  for (let i = 0; i < points.length; i += 2) {
    points[i] = box[0] - dx + rng() * (box[2] - box[0] + 2 * dx);
    points[i + 1] = box[1] - dy + rng() * (box[3] - box[1] + 2 * dy);
  }
  return points;
}

type Strategy = 'index' | 'linear';

/**
 * Looks up all points once; returns hits and the wall and CPU seconds it took. One loop per
 * strategy, so each call site stays monomorphic and the JIT can inline the lookup.
 */
function timeRound(index: GridIndex<string>, strategy: Strategy, points: Float64Array) {
  let hits = 0;
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  if (strategy === 'index') {
    for (let i = 0; i < points.length; i += 2) {
      if (index.locate(points[i] as number, points[i + 1] as number) !== undefined) hits++;
    }
  } else {
    for (let i = 0; i < points.length; i += 2) {
      if (index.locateLinear(points[i] as number, points[i + 1] as number) !== undefined) hits++;
    }
  }
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  return { hits, wall, cpu: (cpu.user + cpu.system) / 1e6 };
}

function measure(index: GridIndex<string>, strategy: Strategy, points: Float64Array) {
  const count = points.length / 2;
  timeRound(index, strategy, points.subarray(0, Math.min(points.length, 100_000))); // JIT warm-up
  const wall: number[] = [];
  const cpu: number[] = [];
  let hits = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const r = timeRound(index, strategy, points);
    wall.push(count / r.wall);
    cpu.push(count / Math.max(r.cpu, 1e-6));
    hits = r.hits;
  }
  return { rate: { wall: median(wall), cpu: median(cpu) }, hitRate: hits / count };
}

function runLayer(layer: Layer, seed: number): LayerResult {
  const buildTimes: number[] = [];
  let index = new GridIndex(layer.entries);
  for (let i = 0; i < ROUNDS; i++) {
    const t0 = process.hrtime.bigint();
    index = new GridIndex(layer.entries);
    buildTimes.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }

  const indexPoints = randomPoints(layer.box, INDEX_POINTS, seed);
  const linearPoints = randomPoints(layer.box, layer.linearPoints, seed + 1);
  const indexed = measure(index, 'index', indexPoints);
  const linear = measure(index, 'linear', linearPoints);

  // Sanity check (not timed): both strategies must agree on the linear sample.
  let mismatches = 0;
  for (let i = 0; i < linearPoints.length; i += 2) {
    const lng = linearPoints[i] as number;
    const lat = linearPoints[i + 1] as number;
    if (index.locate(lng, lat) !== index.locateLinear(lng, lat)) mismatches++;
  }

  return {
    layer: layer.name,
    grids: index.size,
    buildMs: median(buildTimes),
    index: indexed.rate,
    linear: linear.rate,
    ratio: indexed.rate.wall / linear.rate.wall,
    hitRate: indexed.hitRate,
    mismatches,
  };
}

function formatRate(value: number): string {
  return value >= 1e6 ? `${(value / 1e6).toFixed(2)} M/s` : `${(value / 1e3).toFixed(1)} k/s`;
}

function main(): void {
  const started = process.hrtime.bigint();
  const load = loadavg()[0] ?? 0;

  const communities = Array.from({ length: 10 }, (_, i) => ({ code: `C${String(i + 1).padStart(2, '0')}` }));
  const demo = generateDemoGrids(communities);
  const syntheticBox: BBox = [120.095, 30.265, 120.145, 30.3];
  const synthetic = generateSyntheticGrids(10_000, syntheticBox, 42);

  const layers: Layer[] = [
    {
      name: 'demo',
      entries: demo.map((g) => ({ id: g.code, geometry: g.geometry })),
      box: bbox(GUDANG_BOUNDARY),
      linearPoints: 200_000,
    },
    {
      name: 'synthetic-10k',
      entries: synthetic.map((g) => ({ id: g.code, geometry: g.geometry })),
      box: syntheticBox,
      linearPoints: 20_000,
    },
  ];
  const results = layers.map((layer, i) => runLayer(layer, 1000 + i));

  const header = [
    'layer',
    'grids',
    'build ms',
    'index (wall)',
    'index (cpu)',
    'linear (wall)',
    'linear (cpu)',
    'index/linear',
    'hit rate',
  ];
  const rows = results.map((r) => [
    r.layer,
    String(r.grids),
    r.buildMs.toFixed(2),
    formatRate(r.index.wall),
    formatRate(r.index.cpu),
    formatRate(r.linear.wall),
    formatRate(r.linear.cpu),
    `${r.ratio.toFixed(1)}×`,
    `${(r.hitRate * 100).toFixed(1)} %`,
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => (row[c] ?? '').length)));
  const line = (cells: string[]): string => cells.map((cell, c) => cell.padStart(widths[c] ?? 0)).join('  ');
  console.log(
    `point → grid lookups: median of ${ROUNDS} rounds, ${INDEX_POINTS.toLocaleString('en')} points per index round; ` +
      `node ${process.version}, 1-min load avg ${load.toFixed(2)}`,
  );
  console.log(line(header));
  console.log(line(header.map((_, c) => '-'.repeat(widths[c] ?? 0))));
  for (const row of rows) console.log(line(row));
  for (const r of results) {
    if (r.mismatches > 0)
      console.log(`WARNING: ${r.layer}: index and linear scan disagree on ${r.mismatches} points`);
  }

  const totalSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(
    JSON.stringify({
      bench: 'point-grid',
      node: process.version,
      loadAvg1m: Number(load.toFixed(2)),
      rounds: ROUNDS,
      totalSeconds: Number(totalSeconds.toFixed(1)),
      layers: results.map((r) => ({
        layer: r.layer,
        grids: r.grids,
        buildMs: Number(r.buildMs.toFixed(2)),
        indexLookupsPerSec: Math.round(r.index.wall),
        indexLookupsPerCpuSec: Math.round(r.index.cpu),
        linearLookupsPerSec: Math.round(r.linear.wall),
        linearLookupsPerCpuSec: Math.round(r.linear.cpu),
        ratio: Number(r.ratio.toFixed(1)),
        hitRate: Number(r.hitRate.toFixed(4)),
        mismatches: r.mismatches,
      })),
    }),
  );
}

main();
