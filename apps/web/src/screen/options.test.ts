import { describe, expect, it } from 'vitest';
import type { LiveIncident } from '../governance/stream';
import {
  incidentMapOption,
  incidentsBySeverity,
  linkageOption,
  stageCounts,
  topCategoriesOption,
} from './options';

const incident = (id: string, severity: LiveIncident['severity'], located = true): LiveIncident => ({
  id,
  category: 'fire',
  severity,
  title: id,
  location: located ? { lng: 120.12, lat: 30.28 } : null,
  caseNumber: null,
  at: '2026-11-29T02:00:00Z',
});

describe('big-screen options', () => {
  it('groups drawable incidents by severity and skips those without a place', () => {
    const groups = incidentsBySeverity([
      incident('a', 'critical'),
      incident('b', 'low'),
      incident('c', 'low', false),
    ]);
    expect(groups.get('critical')?.map((datum) => datum.incidentId)).toEqual(['a']);
    expect(groups.get('low')?.map((datum) => datum.incidentId)).toEqual(['b']);
    expect(groups.get('medium')).toEqual([]);
  });

  it('draws critical and high incidents as rippling markers, with counts in the legend', () => {
    const option = incidentMapOption(
      { type: 'FeatureCollection', features: [] },
      [incident('a', 'critical'), incident('b', 'critical'), incident('c', 'medium')],
      { severity: (severity) => severity, tooltip: () => '' },
    );
    const series = option.series as { type: string; name: string }[];
    expect(series.map((entry) => [entry.type, entry.name])).toEqual([
      ['effectScatter', 'critical 2'],
      ['effectScatter', 'high 0'],
      ['scatter', 'medium 1'],
      ['scatter', 'low 0'],
    ]);
  });

  it('counts the loop stages in order, filling the missing ones with 0', () => {
    expect(
      stageCounts([
        { stage: 'handling', count: 3 },
        { stage: 'duplicate', count: 9 },
      ]),
    ).toEqual([
      { stage: 'intake', count: 0 },
      { stage: 'triage', count: 0 },
      { stage: 'dispatch', count: 0 },
      { stage: 'handling', count: 3 },
      { stage: 'feedback', count: 0 },
      { stage: 'verify', count: 0 },
      { stage: 'evaluation', count: 0 },
      { stage: 'closed', count: 0 },
    ]);
  });

  it('lists all six linkages and the top five categories largest first', () => {
    const ring = linkageOption([{ linkage: 'key_work', count: 2 }], (linkage) => linkage);
    const data = (ring.series as { data: { name: string; value: number }[] }[])[0]?.data ?? [];
    expect(data).toHaveLength(6);
    expect(data.find((entry) => entry.name === 'key_work')?.value).toBe(2);

    const bars = topCategoriesOption(
      [
        { category: 'noise', count: 1 },
        { category: 'fire', count: 7 },
        { category: 'sanitation', count: 4 },
        { category: 'crowd', count: 2 },
        { category: 'water_leak', count: 3 },
        { category: 'intrusion', count: 5 },
      ],
      (code) => code,
    );
    // Category axes draw bottom-up, so the largest is last.
    expect((bars.yAxis as { data: string[] }).data).toEqual([
      'crowd',
      'water_leak',
      'sanitation',
      'intrusion',
      'fire',
    ]);
  });
});
