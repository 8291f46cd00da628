import type { Site, WorkerCard, WorkerProfile } from '@jiedao/contracts';
import { maskName } from '../../platform/privacy/index.js';
import type { GigWorkerRow } from './gig.tables.js';

/** Mappers from rows to the API's shapes: personal data leaves masked. */

export function maskedAccount(last4: string | null): string | null {
  return last4 ? `**** **** ${last4}` : null;
}

function rating(row: Pick<GigWorkerRow, 'ratingSum' | 'ratingCount'>): number | null {
  return row.ratingCount > 0 ? Math.round((row.ratingSum / row.ratingCount) * 10) / 10 : null;
}

export function toWorkerProfile(row: GigWorkerRow, name: string): WorkerProfile {
  return {
    id: row.id,
    name,
    categories: row.categories,
    skills: row.skills,
    home: { lng: row.homeLng, lat: row.homeLat },
    current:
      row.currentLng !== null && row.currentLat !== null
        ? { lng: row.currentLng, lat: row.currentLat }
        : null,
    radiusKm: row.radiusKm,
    weekHours: row.weekHours,
    settlementCycle: row.settlementCycle,
    payoutAccount: maskedAccount(row.payoutLast4),
    reliability: row.reliability,
    rating: rating(row),
    ratingCount: row.ratingCount,
    shiftsDone: row.shiftsDone,
    noShows: row.noShows,
    status: row.status,
    registeredVia: row.registeredVia,
  };
}

export function toWorkerCard(
  row: Pick<
    GigWorkerRow,
    'id' | 'categories' | 'skills' | 'reliability' | 'ratingSum' | 'ratingCount' | 'shiftsDone'
  >,
  name: string,
  distanceKm: number | null,
): WorkerCard {
  return {
    id: row.id,
    name: maskName(name),
    categories: row.categories,
    skills: row.skills,
    reliability: row.reliability,
    rating: rating(row),
    shiftsDone: row.shiftsDone,
    distanceKm: distanceKm === null ? null : Math.round(distanceKm * 100) / 100,
  };
}

export function toSite(row: {
  id: string;
  name: string;
  address: string;
  lng: number;
  lat: number;
  radiusM: number;
}): Site {
  return {
    id: row.id,
    name: row.name,
    address: row.address,
    location: { lng: row.lng, lat: row.lat },
    radiusM: row.radiusM,
  };
}

export const iso = (date: Date) => date.toISOString();
export const isoOrNull = (date: Date | null) => (date ? date.toISOString() : null);
