import type { InboxItem } from '@jiedao/contracts';
import { GIG_APPLICATION_STATES, GIG_ASSIGNMENT_STATES } from '@jiedao/contracts/constants';
import { isRecord, member, parseRecord, text } from '../api/payload';

/** The event names of GET /api/gig/stream. */
export const GIG_STREAM_TOPICS = ['gig.inbox', 'gig.application', 'gig.assignment'] as const;

export type ApplicationState = (typeof GIG_APPLICATION_STATES)[number];
export type AssignmentState = (typeof GIG_ASSIGNMENT_STATES)[number];

export type GigEvent =
  | { topic: 'gig.inbox'; item: InboxItem }
  | { topic: 'gig.application'; id: string; state: ApplicationState }
  | { topic: 'gig.assignment'; id: string; state: AssignmentState };

function nullableText(value: unknown): string | null | undefined {
  if (value === null) return null;
  return typeof value === 'string' ? value : undefined;
}

/** An inbox item as the stream sent it, when every field the inbox shows is there. */
export function readInboxItem(value: unknown): InboxItem | null {
  if (!isRecord(value)) return null;
  const id = text(value.id);
  const createdAt = text(value.createdAt);
  const jobId = nullableText(value.jobId);
  const readAt = nullableText(value.readAt);
  if (id === null || createdAt === null || jobId === undefined || readAt === undefined) return null;
  if (typeof value.title !== 'string' || typeof value.body !== 'string' || typeof value.kind !== 'string')
    return null;
  return { id, kind: value.kind, jobId, title: value.title, body: value.body, readAt, createdAt };
}

/** Reads one stream message defensively; `null` for anything unrecognised (the page then refetches). */
export function parseGigEvent(topic: string, data: string): GigEvent | null {
  const payload = parseRecord(data);
  if (!payload) return null;
  switch (topic) {
    case 'gig.inbox': {
      const item = readInboxItem(payload.item);
      return item ? { topic, item } : null;
    }
    case 'gig.application': {
      const id = text(payload.id);
      const state = member(GIG_APPLICATION_STATES, payload.state);
      return id && state ? { topic, id, state } : null;
    }
    case 'gig.assignment': {
      const id = text(payload.id);
      const state = member(GIG_ASSIGNMENT_STATES, payload.state);
      return id && state ? { topic, id, state } : null;
    }
    default:
      return null;
  }
}

/** Unread inbox items, with a streamed item replacing or joining the fetched list (newest first). */
export function mergeInbox(fetched: readonly InboxItem[], live: readonly InboxItem[]): InboxItem[] {
  const byId = new Map<string, InboxItem>();
  for (const item of fetched) byId.set(item.id, item);
  for (const item of live) if (!byId.has(item.id)) byId.set(item.id, item);
  return [...byId.values()].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
}

export function unreadCount(items: readonly InboxItem[]): number {
  return items.filter((item) => item.readAt === null).length;
}
