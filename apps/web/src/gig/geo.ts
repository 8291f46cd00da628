import type { LngLat } from '@jiedao/contracts';

/**
 * Small geometry for the clock-in map and the site picker. Distances are on a sphere (haversine):
 * plenty for a geofence of a few hundred metres, and the server decides anyway.
 */
const EARTH_RADIUS_M = 6_371_008.8;
const toRadians = (degrees: number) => (degrees * Math.PI) / 180;

export function distanceM(a: LngLat, b: LngLat): number {
  const dLat = toRadians(b.lat - a.lat);
  const dLng = toRadians(b.lng - a.lng);
  const h =
    Math.sin(dLat / 2) ** 2 +
    Math.cos(toRadians(a.lat)) * Math.cos(toRadians(b.lat)) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** The point `distance` metres from `from` on the initial bearing `bearing` (degrees clockwise from north). */
export function destination(from: LngLat, distance: number, bearing: number): LngLat {
  const angular = distance / EARTH_RADIUS_M;
  const theta = toRadians(bearing);
  const lat1 = toRadians(from.lat);
  const lng1 = toRadians(from.lng);
  const lat2 = Math.asin(
    Math.sin(lat1) * Math.cos(angular) + Math.cos(lat1) * Math.sin(angular) * Math.cos(theta),
  );
  const lng2 =
    lng1 +
    Math.atan2(
      Math.sin(theta) * Math.sin(angular) * Math.cos(lat1),
      Math.cos(angular) - Math.sin(lat1) * Math.sin(lat2),
    );
  return { lng: (lng2 * 180) / Math.PI, lat: (lat2 * 180) / Math.PI };
}

/** A closed ring of `[lng, lat]` points `radiusM` around `center`: the geofence drawn as a polyline. */
export function geofenceRing(center: LngLat, radiusM: number, steps = 64): [number, number][] {
  const count = Math.max(8, Math.floor(steps));
  const ring: [number, number][] = [];
  for (let index = 0; index <= count; index++) {
    const point = destination(center, radiusM, (360 * index) / count);
    ring.push([point.lng, point.lat]);
  }
  return ring;
}

/** Why the phone gave no position, from GeolocationPositionError.code (1, 2, 3) or its absence. */
export type LocateFailure = 'unsupported' | 'denied' | 'unavailable' | 'timeout';

export function locateFailure(code: number | null): LocateFailure {
  switch (code) {
    case 1:
      return 'denied';
    case 3:
      return 'timeout';
    case null:
      return 'unsupported';
    default:
      return 'unavailable';
  }
}

/** Rounds a coordinate to ~1 m (six decimals), so a typed or picked point reads cleanly. */
export function roundCoordinate(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

/** "120.123456, 30.123456" or "120.123456 30.123456" → a point; `null` when it is not one. */
export function parseLngLat(text: string): LngLat | null {
  const match = /^\s*(-?\d{1,3}(?:\.\d+)?)\s*[,，\s]\s*(-?\d{1,2}(?:\.\d+)?)\s*$/.exec(text);
  if (!match) return null;
  const lng = Number(match[1]);
  const lat = Number(match[2]);
  if (Math.abs(lng) > 180 || Math.abs(lat) > 90) return null;
  return { lng, lat };
}

/** Metres east and north of `origin` (a flat local projection: exact enough within a few kilometres). */
export function toLocalMetres(origin: LngLat, point: LngLat): { east: number; north: number } {
  const metresPerDegreeLat = 110_574;
  const metresPerDegreeLng = 111_320 * Math.cos(toRadians(origin.lat));
  return {
    east: (point.lng - origin.lng) * metresPerDegreeLng,
    north: (point.lat - origin.lat) * metresPerDegreeLat,
  };
}
