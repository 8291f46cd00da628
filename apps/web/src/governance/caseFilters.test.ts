import { describe, expect, it } from 'vitest';
import type { CaseSummary } from '@jiedao/contracts';
import { caseQuery, matchesFilters, readCaseFilters, writeCaseFilters } from './caseFilters';

const ID = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';

describe('case filters', () => {
  it('defaults to the open queue, first page', () => {
    expect(readCaseFilters(new URLSearchParams())).toEqual({
      stage: 'open',
      linkage: null,
      category: null,
      severity: null,
      communityId: null,
      q: '',
      page: 1,
      pageSize: 20,
      selected: null,
    });
  });

  it('reads valid values and drops invalid ones', () => {
    const filters = readCaseFilters(
      new URLSearchParams({
        stage: 'handling',
        linkage: 'dispute_mediation',
        category: 'noise',
        severity: 'bogus',
        communityId: 'not-a-uuid',
        q: '  楼道  ',
        page: '3',
        pageSize: '7',
        case: ID,
      }),
    );
    expect(filters).toMatchObject({
      stage: 'handling',
      linkage: 'dispute_mediation',
      category: 'noise',
      severity: null,
      communityId: null,
      q: '楼道',
      page: 3,
      pageSize: 20,
      selected: ID,
    });
    expect(readCaseFilters(new URLSearchParams({ stage: 'everything' })).stage).toBe('open');
  });

  it('round-trips through the URL, leaving defaults out', () => {
    const filters = readCaseFilters(new URLSearchParams({ stage: 'all', severity: 'critical', case: ID }));
    const written = writeCaseFilters(filters);
    expect(written.toString()).toBe(`stage=all&severity=critical&case=${ID}`);
    expect(readCaseFilters(written)).toEqual(filters);
    expect(writeCaseFilters(readCaseFilters(new URLSearchParams())).toString()).toBe('');
  });

  it('builds the API query without the selected case', () => {
    const query = caseQuery(readCaseFilters(new URLSearchParams({ q: '漏水', case: ID })));
    expect(query).toEqual({
      stage: 'open',
      linkage: undefined,
      category: undefined,
      severity: undefined,
      communityId: undefined,
      q: '漏水',
      page: 1,
      pageSize: 20,
    });
  });
});

describe('matchesFilters', () => {
  const summary = {
    id: ID,
    number: '20261129-00018',
    title: '楼道堆放杂物',
    category: 'sanitation',
    linkage: 'problem_governance',
    severity: 'low',
    stage: 'intake',
    communityId: ID,
    address: '东岳社区 5 幢',
  } as CaseSummary;
  const filters = (params: Record<string, string>) => readCaseFilters(new URLSearchParams(params));

  it('follows the stage groups of the server', () => {
    expect(matchesFilters(summary, filters({}))).toBe(true);
    expect(matchesFilters({ ...summary, stage: 'evaluation' }, filters({ stage: 'active' }))).toBe(false);
    expect(matchesFilters({ ...summary, stage: 'evaluation' }, filters({ stage: 'open' }))).toBe(true);
    expect(matchesFilters({ ...summary, stage: 'closed' }, filters({ stage: 'open' }))).toBe(false);
    expect(matchesFilters({ ...summary, stage: 'closed' }, filters({ stage: 'all' }))).toBe(true);
    expect(matchesFilters(summary, filters({ stage: 'triage' }))).toBe(false);
  });

  it('applies the other filters and the search', () => {
    expect(matchesFilters(summary, filters({ severity: 'critical' }))).toBe(false);
    expect(matchesFilters(summary, filters({ category: 'sanitation', linkage: 'problem_governance' }))).toBe(
      true,
    );
    expect(matchesFilters(summary, filters({ communityId: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c' }))).toBe(
      false,
    );
    expect(matchesFilters(summary, filters({ q: '杂物' }))).toBe(true);
    expect(matchesFilters(summary, filters({ q: '5 幢' }))).toBe(true);
    expect(matchesFilters(summary, filters({ q: '漏水' }))).toBe(false);
  });
});
