import type { LngLat } from '@jiedao/contracts';
import { locateFailure, type LocateFailure } from './geo';

/** Why there is no position, as a rejection reason. */
class LocateError extends Error {
  readonly reason: LocateFailure;

  constructor(reason: LocateFailure) {
    super(`location ${reason}`);
    this.name = 'LocateError';
    this.reason = reason;
  }
}

export interface Fix {
  location: LngLat;
  accuracyM: number;
  at: number;
}

/**
 * The phone's position now (a fresh, high-accuracy reading: an attendance record must not reuse an old
 * one). Rejects with the reason when there is none.
 */
export function readPosition(timeoutMs = 20_000): Promise<Fix> {
  return new Promise<Fix>((resolve, reject: (reason: LocateError) => void) => {
    if (typeof navigator === 'undefined' || !('geolocation' in navigator)) {
      reject(new LocateError(locateFailure(null)));
      return;
    }
    navigator.geolocation.getCurrentPosition(
      (position) => {
        resolve({
          location: { lng: position.coords.longitude, lat: position.coords.latitude },
          accuracyM: Math.max(0, position.coords.accuracy),
          at: position.timestamp,
        });
      },
      (error) => {
        reject(new LocateError(locateFailure(error.code)));
      },
      { enableHighAccuracy: true, timeout: timeoutMs, maximumAge: 0 },
    );
  });
}

/** The reason of a failed readPosition (anything unexpected counts as "unavailable"). */
export function locateReason(error: unknown): LocateFailure {
  return error instanceof LocateError ? error.reason : 'unavailable';
}
