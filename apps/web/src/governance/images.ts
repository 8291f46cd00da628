import type { Attachment } from '@jiedao/contracts';
import { upload } from '../api/client';

/** What POST /api/attachments accepts. */
export const ACCEPTED_IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
export const MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024;
/** Phone photos are scaled to this many pixels on the long side: plenty for a case, a fraction of the upload. */
export const MAX_IMAGE_EDGE = 1920;
/** Photos already smaller than this in an accepted type are sent as they are. */
const SEND_AS_IS_BYTES = 1.5 * 1024 * 1024;

/** The size that fits `width × height` within `maxEdge` on its long side, keeping the proportions. */
export function fitWithin(width: number, height: number, maxEdge: number): { width: number; height: number } {
  const longest = Math.max(width, height);
  if (longest <= maxEdge || longest <= 0) return { width, height };
  const scale = maxEdge / longest;
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

function isAccepted(type: string): boolean {
  return (ACCEPTED_IMAGE_TYPES as readonly string[]).includes(type);
}

export class NotAnImageError extends Error {
  override name = 'NotAnImageError';
}

/**
 * A photo ready for upload: small accepted files unchanged, anything else re-encoded as JPEG at most
 * 1920 px (a 12-megapixel phone photo is 4–8 MB; the API takes 5 MB). HEIC and other types the
 * browser can decode are converted the same way.
 */
export async function prepareImage(file: File): Promise<Blob> {
  if (isAccepted(file.type) && file.size <= SEND_AS_IS_BYTES) return file;
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    if (isAccepted(file.type) && file.size <= MAX_ATTACHMENT_BYTES) return file;
    throw new NotAnImageError(file.name);
  }
  const size = fitWithin(bitmap.width, bitmap.height, MAX_IMAGE_EDGE);
  const canvas = document.createElement('canvas');
  canvas.width = size.width;
  canvas.height = size.height;
  const context = canvas.getContext('2d');
  if (!context) {
    bitmap.close();
    return file;
  }
  context.drawImage(bitmap, 0, 0, size.width, size.height);
  bitmap.close();
  const blob = await new Promise<Blob | null>((resolve) => {
    canvas.toBlob(resolve, 'image/jpeg', 0.85);
  });
  return blob ?? file;
}

/** Prepares and uploads one photo; resolves with the stored attachment (id for the API, url to show). */
export async function uploadPhoto(file: File, onProgress?: (share: number) => void): Promise<Attachment> {
  const blob = await prepareImage(file);
  const type = blob.type && isAccepted(blob.type) ? blob.type : 'image/jpeg';
  return upload<Attachment>('/api/attachments', blob, type, onProgress ? { onProgress } : {});
}
