import type { CaseSummary } from '@jiedao/contracts';
import { describe, expect, it } from 'vitest';
import {
  addHighlights,
  isHighlighted,
  newRowIds,
  parseStreamEvent,
  provisionalCase,
  patchCaseRows,
  reconcileIncidents,
  type LiveIncident,
} from './stream';

function summary(id: string, overrides: Partial<CaseSummary> = {}): CaseSummary {
  return {
    id,
    number: `GD-${id}`,
    title: '楼道堆放杂物',
    category: 'sanitation',
    linkage: 'problem_governance',
    severity: 'low',
    stage: 'intake',
    sourceName: '民呼我为',
    gridId: null,
    gridName: null,
    communityId: null,
    communityName: null,
    address: null,
    location: null,
    createdAt: '2026-11-29T02:00:00.000Z',
    slaClock: 'working',
    responseDueAt: null,
    resolveDueAt: null,
    respondedAt: null,
    closedAt: null,
    escalationLevel: 0,
    overdue: false,
    eventCount: 1,
    version: 1,
    ...overrides,
  };
}

function incident(id: string, at: string): LiveIncident {
  return { id, category: 'fire', severity: 'critical', title: id, location: null, caseNumber: null, at };
}

describe('parseStreamEvent', () => {
  it('reads a case update with a bare stage change', () => {
    const event = parseStreamEvent(
      'case.updated',
      JSON.stringify({ id: 'c1', number: 'GD-1', stage: 'dispatch', move: 'dispatch' }),
    );
    expect(event).toEqual({
      topic: 'case.updated',
      caseId: 'c1',
      number: 'GD-1',
      stage: 'dispatch',
      summary: null,
      title: null,
      category: null,
      severity: null,
      communityId: null,
    });
  });

  it('keeps a whole summary when the server sends one', () => {
    const event = parseStreamEvent('case.created', JSON.stringify(summary('c2')));
    expect(event?.topic === 'case.created' && event.summary?.id).toBe('c2');
  });

  it('reads an incident with top-level coordinates (the intake) or a location (an Incident)', () => {
    const flat = parseStreamEvent(
      'incident.created',
      JSON.stringify({
        id: 'i1',
        category: 'fire',
        severity: 'critical',
        title: '烟感告警',
        lng: 120.12,
        lat: 30.28,
        occurredAt: '2026-11-29T02:00:00Z',
        caseId: 'c9',
        caseNumber: 'GD-9',
      }),
    );
    expect(flat).toMatchObject({
      topic: 'incident.created',
      caseId: 'c9',
      incident: { id: 'i1', location: { lng: 120.12, lat: 30.28 }, caseNumber: 'GD-9' },
    });
    const nested = parseStreamEvent(
      'incident.created',
      JSON.stringify({ id: 'i2', category: 'gas_leak', severity: 'high', location: { lng: 1, lat: 2 } }),
    );
    expect(nested?.topic === 'incident.created' && nested.incident.location).toEqual({ lng: 1, lat: 2 });
  });

  it('reads device states', () => {
    expect(
      parseStreamEvent('device.state', JSON.stringify({ deviceId: 'd1', state: 'alarm', batteryLow: true })),
    ).toEqual({ topic: 'device.state', deviceId: 'd1', state: 'alarm', batteryLow: true });
  });

  it('ignores unknown topics, bad JSON and payloads without the key fields', () => {
    expect(parseStreamEvent('case.deleted', '{"id":"x"}')).toBeNull();
    expect(parseStreamEvent('case.updated', 'not json')).toBeNull();
    expect(parseStreamEvent('case.updated', '[]')).toBeNull();
    expect(parseStreamEvent('case.updated', '{"stage":"dispatch"}')).toBeNull();
    expect(parseStreamEvent('incident.created', '{"id":"i","category":"nope","severity":"low"}')).toBeNull();
    expect(parseStreamEvent('device.state', '{"deviceId":"d","state":"melting"}')).toBeNull();
  });
});

describe('list merging', () => {
  it('finds the rows that are new since the previous page, none on a first load', () => {
    expect(newRowIds(undefined, [summary('a')])).toEqual([]);
    expect(newRowIds([summary('a')], [summary('b'), summary('a')])).toEqual(['b']);
  });

  it('patches the stage of a row at once', () => {
    const rows = [summary('a'), summary('b')];
    const event = parseStreamEvent('case.updated', JSON.stringify({ id: 'b', stage: 'triage' }));
    expect(event).not.toBeNull();
    if (!event) return;
    const patched = patchCaseRows(rows, event);
    expect(patched[1]?.stage).toBe('triage');
    expect(patched[0]).toBe(rows[0]);
  });

  it('replaces a row with a newer summary but never with an older one', () => {
    const rows = [summary('a', { version: 3, stage: 'dispatch' })];
    const older = parseStreamEvent('case.updated', JSON.stringify(summary('a', { version: 2 })));
    const newer = parseStreamEvent(
      'case.updated',
      JSON.stringify(summary('a', { version: 4, stage: 'handling' })),
    );
    if (!older || !newer) throw new Error('events did not parse');
    expect(patchCaseRows(rows, older)).toBe(rows);
    expect(patchCaseRows(rows, newer)[0]?.stage).toBe('handling');
  });

  it('leaves the rows alone for unknown ids and other topics', () => {
    const rows = [summary('a')];
    const unknown = parseStreamEvent('case.updated', JSON.stringify({ id: 'z', stage: 'closed' }));
    const device = parseStreamEvent('device.state', JSON.stringify({ deviceId: 'd', state: 'online' }));
    if (!unknown || !device) throw new Error('events did not parse');
    expect(patchCaseRows(rows, unknown)).toBe(rows);
    expect(patchCaseRows(rows, device)).toBe(rows);
  });

  it('highlights new rows for a while', () => {
    const marked = addHighlights(new Map(), ['a'], 1000, 5000);
    expect(isHighlighted(marked, 'a', 5999)).toBe(true);
    expect(isHighlighted(marked, 'a', 6000)).toBe(false);
    const later = addHighlights(marked, ['b'], 7000, 5000);
    expect([...later.keys()]).toEqual(['b']);
  });
});

describe('reconcileIncidents', () => {
  const a = incident('a', '2026-11-29T01:00:00Z');
  const b = incident('b', '2026-11-29T02:00:00Z');
  const c = incident('c', '2026-11-29T03:00:00Z');

  it('adds incidents announced since the overview was requested, newest first', () => {
    expect(reconcileIncidents([a], [{ incident: c, receivedAt: 200 }], 100).map((i) => i.id)).toEqual([
      'c',
      'a',
    ]);
  });

  it('drops live ones older than the overview request (the overview already decided about them)', () => {
    expect(reconcileIncidents([a], [{ incident: b, receivedAt: 50 }], 100).map((i) => i.id)).toEqual(['a']);
  });

  it('never shows an incident twice', () => {
    expect(reconcileIncidents([a, b], [{ incident: b, receivedAt: 200 }], 100).map((i) => i.id)).toEqual([
      'b',
      'a',
    ]);
  });
});

describe('provisionalCase', () => {
  it('shows a new case from its event before it is fetched', () => {
    const event = parseStreamEvent(
      'case.created',
      JSON.stringify({
        id: 'c7',
        number: '20261129-00018',
        stage: 'intake',
        title: '测试噪声扰民事件',
        category: 'noise',
        severity: 'low',
        communityId: 'k1',
      }),
    );
    if (!event) throw new Error('event did not parse');
    expect(provisionalCase(event, '2026-11-29T07:50:44.000Z')).toMatchObject({
      id: 'c7',
      number: '20261129-00018',
      linkage: 'problem_governance',
      slaClock: 'working',
      communityId: 'k1',
      createdAt: '2026-11-29T07:50:44.000Z',
      version: 0,
    });
  });

  it('needs the number, stage, title, category and severity', () => {
    const bare = parseStreamEvent('case.created', JSON.stringify({ id: 'c8', stage: 'intake' }));
    const update = parseStreamEvent('case.updated', JSON.stringify({ id: 'c8', stage: 'intake' }));
    if (!bare || !update) throw new Error('events did not parse');
    expect(provisionalCase(bare, '2026-11-29T07:50:44.000Z')).toBeNull();
    expect(provisionalCase(update, '2026-11-29T07:50:44.000Z')).toBeNull();
  });
});
