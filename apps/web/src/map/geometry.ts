import type { GridFeatureCollection } from '@jiedao/contracts';

export interface Bounds {
  minLng: number;
  minLat: number;
  maxLng: number;
  maxLat: number;
}

/** Bounding box of every ring of every grid, or null for an empty collection. */
export function featureBounds(collection: GridFeatureCollection): Bounds | null {
  let minLng = Infinity;
  let minLat = Infinity;
  let maxLng = -Infinity;
  let maxLat = -Infinity;
  for (const feature of collection.features) {
    const polygons =
      feature.geometry.type === 'Polygon' ? [feature.geometry.coordinates] : feature.geometry.coordinates;
    for (const polygon of polygons) {
      for (const ring of polygon) {
        for (const [lng, lat] of ring) {
          minLng = Math.min(minLng, lng);
          minLat = Math.min(minLat, lat);
          maxLng = Math.max(maxLng, lng);
          maxLat = Math.max(maxLat, lat);
        }
      }
    }
  }
  return Number.isFinite(minLng) ? { minLng, minLat, maxLng, maxLat } : null;
}

/**
 * ECharts draws lng/lat as an equirectangular grid; squeezing x by cos(latitude) keeps a
 * subdistrict at ~30°N in its true proportions (the default 0.75 suits all of China, not one street).
 */
export function aspectScaleFor(bounds: Bounds | null): number {
  if (!bounds) return 0.75;
  const midLat = (bounds.minLat + bounds.maxLat) / 2;
  return Math.cos((midLat * Math.PI) / 180);
}
