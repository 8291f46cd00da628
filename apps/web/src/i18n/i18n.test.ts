import {
  GIG_APPLICATION_STATES,
  GIG_ASSIGNMENT_STATES,
  GIG_DISPUTE_RESOLUTIONS,
  GIG_JOB_STATUSES,
  GIG_LOCATION_FLAGS,
  GIG_PAYOUT_STATES,
  SETTLEMENT_CYCLES,
  WAGE_KINDS,
  CASE_MOVES,
  CASE_STAGE_ZH,
  CASE_STAGES,
  DEVICE_STATES,
  DEVICE_IMPORT_FIELD_ZH,
  DEVICE_TYPE_ZH,
  DEVICE_TYPES,
  LINKAGE_ZH,
  LINKAGES,
  SEVERITIES,
  SEVERITY_ZH,
  SOURCE_CHANNELS,
  SOURCE_MAPPINGS,
  TASK_STATES,
  UNIT_TYPE_ZH,
  UNIT_TYPES,
} from '@jiedao/contracts/constants';
import { ERROR_CODES } from '@jiedao/contracts';
import { describe, expect, it } from 'vitest';
import { FACILITY_TYPES, COMPLEX_TIERS, CONSENT_PURPOSES, ROLES } from '../domain';
import enBase from './en';
import gigEn from './en.gig';
import governanceEn from './en.governance';
import { otherLanguage, toLanguage } from './languages';
import zhCNBase from './zh-CN';
import gigZhCN from './zh-CN.gig';
import governanceZhCN from './zh-CN.governance';

// The full trees as i18next holds them once the governance and gig pages have loaded their parts.
const zhCN = { ...zhCNBase, ...governanceZhCN, ...gigZhCN };
const en = { ...enBase, ...governanceEn, ...gigEn };

/** Every leaf key path, e.g. `login.submit`. */
function leafKeys(tree: object, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([key, value]: [string, unknown]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    return typeof value === 'object' && value !== null ? leafKeys(value, path) : [path];
  });
}

function leafValues(tree: object): unknown[] {
  return Object.values(tree).flatMap((value: unknown) =>
    typeof value === 'object' && value !== null ? leafValues(value) : [value],
  );
}

function placeholders(text: string): string[] {
  return [...text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((match) => match[1] ?? '').sort();
}

function lookup(tree: object, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], tree);
}

describe('translations', () => {
  it('zh-CN and en have exactly the same keys', () => {
    expect(leafKeys(en).sort()).toEqual(leafKeys(zhCN).sort());
  });

  it('keeps the governance and gig parts apart from the base and each other (no key in two)', () => {
    const base = new Set(Object.keys(zhCNBase));
    expect(Object.keys(governanceZhCN).filter((key) => base.has(key))).toEqual([]);
    const governance = new Set(Object.keys(governanceZhCN));
    expect(Object.keys(gigZhCN).filter((key) => base.has(key) || governance.has(key))).toEqual([]);
  });

  it('has no empty strings', () => {
    for (const value of [...leafValues(zhCN), ...leafValues(en)]) {
      expect(typeof value).toBe('string');
      expect((value as string).trim()).not.toBe('');
    }
  });

  it('uses the same interpolation variables in both languages', () => {
    for (const key of leafKeys(zhCN)) {
      expect(placeholders(String(lookup(en, key))), key).toEqual(placeholders(String(lookup(zhCN, key))));
    }
  });

  it('never interpolates `count` (that would switch i18next to plural keys)', () => {
    for (const key of leafKeys(zhCN))
      expect(placeholders(String(lookup(zhCN, key))), key).not.toContain('count');
  });

  it('translates every role, facility type, tier and consent purpose', () => {
    for (const role of ROLES) expect(lookup(zhCN, `role.${role}`), role).toBeTypeOf('string');
    for (const type of FACILITY_TYPES)
      expect(lookup(zhCN, `facilityType.${type}`), type).toBeTypeOf('string');
    for (const tier of COMPLEX_TIERS) expect(lookup(zhCN, `tier.${tier}`), tier).toBeTypeOf('string');
    for (const purpose of CONSENT_PURPOSES)
      expect(lookup(zhCN, `consentPurpose.${purpose}`), purpose).toBeTypeOf('string');
    expect(zhCN.tier).toEqual({ flagship: '旗舰式', star_moon: '星月式', pearl_chain: '珠链式' });
    expect(zhCN.consentPurpose).toEqual({
      real_name_verification: '实名核验',
      service_delivery: '服务办理',
      governance_contact: '治理联络',
      marketing: '活动推送',
    });
  });
});

describe('governance labels', () => {
  it('names every stage, move, linkage, severity, unit, device, task state, channel and mapping', () => {
    const groups: [string, readonly string[]][] = [
      ['caseStage', CASE_STAGES],
      ['caseMove', CASE_MOVES],
      ['linkage', LINKAGES],
      ['severity', SEVERITIES],
      ['unitType', UNIT_TYPES],
      ['deviceType', DEVICE_TYPES],
      ['deviceState', DEVICE_STATES],
      ['taskState', TASK_STATES],
      ['sourceChannel', SOURCE_CHANNELS],
      ['sourceMapping', SOURCE_MAPPINGS],
    ];
    for (const [group, values] of groups) {
      expect(Object.keys(lookup(zhCN, group) as object).sort(), group).toEqual([...values].sort());
    }
  });

  it('uses the contract’s Chinese names, so the UI and the Excel exports agree', () => {
    expect(zhCN.caseStage).toEqual(CASE_STAGE_ZH);
    expect(zhCN.linkage).toEqual(LINKAGE_ZH);
    expect(zhCN.severity).toEqual(SEVERITY_ZH);
    expect(zhCN.unitType).toEqual(UNIT_TYPE_ZH);
    expect(zhCN.deviceType).toEqual(DEVICE_TYPE_ZH);
    const { more, ...importFields } = zhCN.devices.importFields;
    expect(importFields).toEqual(DEVICE_IMPORT_FIELD_ZH);
    expect(more).toBe('其余');
  });
});

describe('gig market labels', () => {
  it('names every job status, application and assignment state, payout state, flag, resolution, cycle and wage kind', () => {
    const groups: [string, readonly string[]][] = [
      ['gig.jobStatus', GIG_JOB_STATUSES],
      ['gig.applicationState', GIG_APPLICATION_STATES],
      ['gig.assignmentState', GIG_ASSIGNMENT_STATES],
      ['gig.payoutState', GIG_PAYOUT_STATES],
      ['gig.flag', GIG_LOCATION_FLAGS],
      ['gig.resolution', GIG_DISPUTE_RESOLUTIONS],
      ['gig.cycle', SETTLEMENT_CYCLES],
      ['gig.wageKind', WAGE_KINDS],
      ['gig.wagePer', WAGE_KINDS],
    ];
    for (const [group, values] of groups) {
      expect(Object.keys(lookup(zhCN, group) as object).sort(), group).toEqual([...values].sort());
    }
  });

  it('words the gig error codes in both languages', () => {
    for (const code of [
      'invalid_uscc',
      'real_name_required',
      'insufficient_funds',
      'clock_refused',
      'bank_unavailable',
    ]) {
      expect(ERROR_CODES as readonly string[]).toContain(code);
      expect(lookup(zhCN, `errors.codes.${code}`), code).toBeTypeOf('string');
      expect(lookup(en, `errors.codes.${code}`), code).toBeTypeOf('string');
    }
  });
});

describe('languages', () => {
  it('normalises to zh-CN or en', () => {
    expect(toLanguage('en-US')).toBe('en');
    expect(toLanguage('zh')).toBe('zh-CN');
    expect(toLanguage(null)).toBe('zh-CN');
    expect(toLanguage('fr')).toBe('zh-CN');
    expect(otherLanguage('zh-CN')).toBe('en');
    expect(otherLanguage('en')).toBe('zh-CN');
  });
});
