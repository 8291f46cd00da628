import { describe, expect, it } from 'vitest';
import { fitWithin } from './images';

describe('fitWithin', () => {
  it('scales the long side down to the limit, keeping proportions', () => {
    expect(fitWithin(4032, 3024, 1920)).toEqual({ width: 1920, height: 1440 });
    expect(fitWithin(3024, 4032, 1920)).toEqual({ width: 1440, height: 1920 });
  });

  it('leaves small images alone', () => {
    expect(fitWithin(800, 600, 1920)).toEqual({ width: 800, height: 600 });
    expect(fitWithin(0, 0, 1920)).toEqual({ width: 0, height: 0 });
  });
});
