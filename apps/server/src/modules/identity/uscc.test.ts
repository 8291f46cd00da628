import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { containing } from '../../testing/governance-factories.js';
import { checkUscc, makeUscc, organisationCheckCharacter } from './uscc.js';

// Published codes of well-known companies, and the standard's worked example.
const REAL = ['91330100716105852F', '9144030071526726XG', '91110108551385082Q', '91350100M000100Y43'];
const CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';

describe('checkUscc', () => {
  it('accepts real codes as typed (spaces, lower case) and says what they hold', () => {
    for (const code of REAL) expect(checkUscc(code)).toMatchObject({ ok: true, code });
    expect(checkUscc(' 91330100716105852f ')).toEqual({
      ok: true,
      code: '91330100716105852F',
      regionCode: '330100',
      organisationCode: '716105852',
    });
  });

  it('names the rule a bad code breaks, in both languages', () => {
    expect(checkUscc('9133010071610585')).toMatchObject({
      ok: false,
      check: 'length',
      messageZh: containing('18 位'),
    });
    expect(checkUscc('91330100716105852I')).toMatchObject({ ok: false, check: 'characters' });
    expect(checkUscc('91330100716105853F')).toMatchObject({ ok: false, check: 'organisation_code' });
    expect(checkUscc('91330100716105852G')).toMatchObject({ ok: false, check: 'check_character' });
  });

  it('computes the organisation code check character of GB 11714 (10 is X, 11 is 0)', () => {
    expect(organisationCheckCharacter('71610585')).toBe('2');
    expect(organisationCheckCharacter('71526726')).toBe('X');
  });

  it('catches every single-character typo and every swap of neighbours (property)', () => {
    const code = fc
      .tuple(
        fc.constantFrom('91', '92', '93', '11', '12', '51', '52', 'Y1'),
        fc.stringMatching(/^[1-6]\d{5}$/),
        fc.stringMatching(/^[0-9A-HJ-NPQRTUWXY]{8}$/),
      )
      .map(([prefix, regionCode, organisation8]) => makeUscc({ prefix, regionCode, organisation8 }));
    fc.assert(
      fc.property(code, fc.nat(17), fc.nat(30), (valid, position, replacement) => {
        expect(checkUscc(valid).ok).toBe(true);
        const character = CHARSET[replacement]!;
        if (character !== valid[position]) {
          const typo = `${valid.slice(0, position)}${character}${valid.slice(position + 1)}`;
          expect(checkUscc(typo).ok).toBe(false);
        }
        if (position < 17 && valid[position] !== valid[position + 1]) {
          const swapped = `${valid.slice(0, position)}${valid[position + 1]}${valid[position]}${valid.slice(position + 2)}`;
          expect(checkUscc(swapped).ok).toBe(false);
        }
      }),
      { numRuns: 500 },
    );
  });
});
