import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkResidentIdNumber, computeCheckDigit, makeResidentIdNumber } from './id-number.js';

// Fixed "today" so the tests do not depend on the wall clock.
const TODAY = new Date('2025-06-01T04:00:00Z');

/** Narrows a check result to its failure branch, failing the test if it passed. */
function expectFailure(raw: string, today = TODAY): { check: string; message: string; messageZh: string } {
  const result = checkResidentIdNumber(raw, today);
  if (result.ok) throw new Error(`expected ${raw} to be rejected`);
  return result;
}

describe('computeCheckDigit', () => {
  it('matches the worked example of GB 11643-1999', () => {
    expect(computeCheckDigit('11010519491231002')).toBe('X');
  });

  it('rejects input that is not 17 digits', () => {
    expect(() => computeCheckDigit('1101051949123100')).toThrow(TypeError);
    expect(() => computeCheckDigit('1101051949123100A')).toThrow(TypeError);
  });
});

describe('checkResidentIdNumber', () => {
  it('accepts generated numbers and decodes them', () => {
    const male = makeResidentIdNumber({ birthDate: '1990-01-01', sequence: 123, sex: 'male' });
    expect(checkResidentIdNumber(male, TODAY)).toEqual({
      ok: true,
      idNumber: male,
      regionCode: '330106',
      birthDate: '1990-01-01',
      sex: 'male',
    });
    const female = makeResidentIdNumber({
      regionCode: '110105',
      birthDate: '1949-12-31',
      sequence: 2,
      sex: 'female',
    });
    expect(checkResidentIdNumber(female, TODAY)).toMatchObject({
      ok: true,
      regionCode: '110105',
      sex: 'female',
    });
  });

  it('accepts the standard example with an X check character, in either case, ignoring whitespace', () => {
    expect(checkResidentIdNumber(' 11010519491231002x\n', TODAY)).toEqual({
      ok: true,
      idNumber: '11010519491231002X',
      regionCode: '110105',
      birthDate: '1949-12-31',
      sex: 'female',
    });
  });

  it('accepts Hong Kong, Macao and Taiwan residence permit region codes', () => {
    for (const regionCode of ['810000', '820000', '830000']) {
      const id = makeResidentIdNumber({ regionCode, birthDate: '1985-07-01', sequence: 7 });
      expect(checkResidentIdNumber(id, TODAY).ok).toBe(true);
    }
  });

  it.each([
    ['empty', '', 0],
    ['too short', '3301061990010112', 16],
    ['legacy 15-digit', '330106900101123', 15],
    ['too long', '3301061990010112345', 19],
  ])('rejects %s input on length', (_label, raw, length) => {
    const failure = expectFailure(raw);
    expect(failure.check).toBe('length');
    expect(failure.message).toBe(`ID number must be 18 characters, got ${length}`);
    expect(failure.messageZh).toContain(`${length}位`);
  });

  it.each([
    ['a letter other than X at the end', '33010619900101123A'],
    ['X before the end', '3301061990010112X4'],
    ['a non-ASCII digit', '３30106199001011234'],
    ['a space inside', '330106 19900101123'],
  ])('rejects %s on format', (_label, raw) => {
    expect(expectFailure(raw).check).toBe('format');
  });

  it.each([
    ['province 00', '000106'],
    ['province 99', '990106'],
    ['province 16 (not assigned)', '160106'],
    ['province 83 with a county part', '830106'],
    ['prefecture 00', '330006'],
    ['county 00', '330100'],
    ['all zeros after the province', '330000'],
  ])('rejects %s on region', (_label, regionCode) => {
    const id = makeResidentIdNumber({ regionCode, birthDate: '1990-01-01', sequence: 1 });
    const failure = expectFailure(id);
    expect(failure.check).toBe('region');
    expect(failure.message).toContain(regionCode);
    expect(failure.messageZh).toContain(regionCode);
  });

  /** Builds 18 characters with a correct check digit around an arbitrary (possibly impossible) YYYYMMDD. */
  function withCompactDate(compact: string): string {
    const first17 = `330106${compact}123`;
    return first17 + computeCheckDigit(first17);
  }

  it.each([
    ['30 February', '19900230', /not a real date/],
    ['29 February 1900 (not a leap year)', '19000229', /not a real date/],
    ['month 13', '19901301', /not a real date/],
    ['day 00', '19900100', /not a real date/],
    ['before 1900', '18991231', /before 1900-01-01/],
    ['year 0050', '00500101', /before 1900-01-01/],
    ['tomorrow in China', '20250602', /in the future/],
  ])('rejects a birth date on %s', (_label, compact, message) => {
    const failure = expectFailure(withCompactDate(compact));
    expect(failure.check).toBe('birth_date');
    expect(failure.message).toMatch(message);
    expect(failure.messageZh).toMatch(/出生日期/);
  });

  it('accepts boundary birth dates', () => {
    expect(checkResidentIdNumber(withCompactDate('19000101'), TODAY).ok).toBe(true);
    expect(checkResidentIdNumber(withCompactDate('20000229'), TODAY).ok).toBe(true);
    expect(checkResidentIdNumber(withCompactDate('20250601'), TODAY).ok).toBe(true);
  });

  it('judges "today" in China time, not the server time zone', () => {
    // 16:30 UTC on 31 May is already 1 June in Beijing.
    const lateUtc = new Date('2024-05-31T16:30:00Z');
    expect(checkResidentIdNumber(withCompactDate('20240601'), lateUtc).ok).toBe(true);
    expect(expectFailure(withCompactDate('20240602'), lateUtc).check).toBe('birth_date');
  });

  it('rejects a wrong check digit and names the expected one', () => {
    const failure = expectFailure('110105194912310024');
    expect(failure).toEqual({
      check: 'check_digit',
      ok: false,
      message: 'check digit should be X, got 4',
      messageZh: '校验码应为X，实际为4',
    });
  });

  it('checks length before format, format before region, region before date, date before check digit', () => {
    expect(expectFailure('ABC').check).toBe('length');
    expect(expectFailure('00010619900230123A').check).toBe('format');
    expect(expectFailure('000106199002301230').check).toBe('region');
    expect(expectFailure('330106199002301230').check).toBe('birth_date');
  });
});

describe('makeResidentIdNumber', () => {
  it('zero-pads the sequence and lets sex adjust its last digit', () => {
    expect(makeResidentIdNumber({ birthDate: '1990-01-01', sequence: 0 }).slice(14, 17)).toBe('000');
    expect(makeResidentIdNumber({ birthDate: '1990-01-01', sequence: 0, sex: 'male' }).slice(14, 17)).toBe(
      '001',
    );
    expect(
      makeResidentIdNumber({ birthDate: '1990-01-01', sequence: 999, sex: 'female' }).slice(14, 17),
    ).toBe('998');
    expect(makeResidentIdNumber({ birthDate: '1990-01-01', sequence: 999, sex: 'male' }).slice(14, 17)).toBe(
      '999',
    );
  });

  it.each([
    ['a short region code', { regionCode: '3301', birthDate: '1990-01-01', sequence: 1 }],
    ['an impossible date', { birthDate: '1990-02-30', sequence: 1 }],
    ['a badly formatted date', { birthDate: '19900101', sequence: 1 }],
    ['a negative sequence', { birthDate: '1990-01-01', sequence: -1 }],
    ['a sequence above 999', { birthDate: '1990-01-01', sequence: 1000 }],
    ['a fractional sequence', { birthDate: '1990-01-01', sequence: 1.5 }],
  ])('rejects %s', (_label, options) => {
    expect(() => makeResidentIdNumber(options)).toThrow(TypeError);
  });
});

describe('properties', () => {
  const regionCode = fc.constantFrom('110105', '310104', '330106', '440305', '510107', '650102', '810000');
  const birthDate = fc
    .date({
      min: new Date('1900-01-01T00:00:00Z'),
      max: new Date('2025-05-31T00:00:00Z'),
      noInvalidDate: true,
    })
    .map((date) => date.toISOString().slice(0, 10));
  const sex = fc.constantFrom('male' as const, 'female' as const);
  const generated = fc.record({ regionCode, birthDate, sequence: fc.integer({ min: 0, max: 999 }), sex });

  it('every generated number validates and returns its birth date and sex', () => {
    fc.assert(
      fc.property(generated, (options) => {
        const id = makeResidentIdNumber(options);
        expect(checkResidentIdNumber(id, TODAY)).toEqual({
          ok: true,
          idNumber: id,
          regionCode: options.regionCode,
          birthDate: options.birthDate,
          sex: options.sex,
        });
      }),
    );
  });

  it('changing any single one of the first 17 digits never passes', () => {
    fc.assert(
      fc.property(
        generated,
        fc.integer({ min: 0, max: 16 }),
        fc.integer({ min: 1, max: 9 }),
        (options, position, shift) => {
          const id = makeResidentIdNumber(options);
          const digit = (Number(id[position]) + shift) % 10;
          const mutated = id.slice(0, position) + String(digit) + id.slice(position + 1);
          const result = checkResidentIdNumber(mutated, TODAY);
          expect(result.ok).toBe(false);
          // The sequence digits feed no earlier check, so only MOD 11-2 can catch a change there.
          if (position >= 14) expect(result).toMatchObject({ check: 'check_digit' });
        },
      ),
    );
  });

  it('changing the check character never passes', () => {
    fc.assert(
      fc.property(generated, fc.constantFrom(...'0123456789X'), (options, replacement) => {
        const id = makeResidentIdNumber(options);
        fc.pre(replacement !== id[17]);
        const result = checkResidentIdNumber(id.slice(0, 17) + replacement, TODAY);
        expect(result).toMatchObject({ ok: false, check: 'check_digit' });
      }),
    );
  });
});
