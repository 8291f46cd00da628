import { describe, expect, it } from 'vitest';
import {
  destination,
  distanceM,
  geofenceRing,
  locateFailure,
  parseLngLat,
  roundCoordinate,
  toLocalMetres,
} from './geo';

const site = { lng: 120.1205, lat: 30.2801 };

describe('distanceM', () => {
  it('measures a few hundred metres to within a metre', () => {
    // 0.001° of latitude is ~111 m everywhere.
    expect(distanceM(site, { lng: site.lng, lat: site.lat + 0.001 })).toBeCloseTo(111.2, 0);
    expect(distanceM(site, site)).toBe(0);
  });

  it('agrees with destination()', () => {
    for (const bearing of [0, 45, 90, 200, 315]) {
      expect(distanceM(site, destination(site, 300, bearing))).toBeCloseTo(300, 3);
    }
  });
});

describe('geofenceRing', () => {
  it('closes a ring of points at the radius', () => {
    const ring = geofenceRing(site, 300, 32);
    expect(ring).toHaveLength(33);
    expect(ring[0]).toEqual(ring[32]);
    for (const [lng, lat] of ring) expect(distanceM(site, { lng, lat })).toBeCloseTo(300, 3);
  });

  it('keeps at least eight sides', () => {
    expect(geofenceRing(site, 100, 2)).toHaveLength(9);
  });
});

describe('locateFailure / parseLngLat', () => {
  it('names why no position came', () => {
    expect(locateFailure(1)).toBe('denied');
    expect(locateFailure(2)).toBe('unavailable');
    expect(locateFailure(3)).toBe('timeout');
    expect(locateFailure(null)).toBe('unsupported');
  });

  it('reads typed coordinates', () => {
    expect(parseLngLat('120.12, 30.28')).toEqual({ lng: 120.12, lat: 30.28 });
    expect(parseLngLat('120.12，30.28')).toEqual({ lng: 120.12, lat: 30.28 });
    expect(parseLngLat('120.12 30.28')).toEqual({ lng: 120.12, lat: 30.28 });
    expect(parseLngLat('200, 30')).toBeNull();
    expect(parseLngLat('abc')).toBeNull();
    expect(roundCoordinate(120.1234567)).toBe(120.123457);
  });
});

describe('toLocalMetres', () => {
  it('places points east and north of the origin in metres', () => {
    const north = toLocalMetres(site, destination(site, 500, 0));
    expect(north.north).toBeCloseTo(500, -1);
    expect(Math.abs(north.east)).toBeLessThan(1);
    const east = toLocalMetres(site, destination(site, 500, 90));
    expect(east.east).toBeCloseTo(500, -1);
  });
});
