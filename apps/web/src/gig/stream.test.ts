import { describe, expect, it } from 'vitest';
import { mergeInbox, parseGigEvent, readInboxItem, unreadCount } from './stream';

const item = {
  id: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
  kind: 'job_push',
  jobId: null,
  title: '附近有新的零工',
  body: '保洁 · 1.2 公里',
  readAt: null,
  createdAt: '2026-11-29T02:00:00Z',
};

describe('parseGigEvent', () => {
  it('reads the three topics', () => {
    expect(parseGigEvent('gig.inbox', JSON.stringify({ item }))).toEqual({ topic: 'gig.inbox', item });
    expect(parseGigEvent('gig.application', '{"id":"a1","state":"offered"}')).toEqual({
      topic: 'gig.application',
      id: 'a1',
      state: 'offered',
    });
    expect(parseGigEvent('gig.assignment', '{"id":"s1","state":"paid"}')).toEqual({
      topic: 'gig.assignment',
      id: 's1',
      state: 'paid',
    });
  });

  it('ignores unknown topics, states and broken payloads', () => {
    expect(parseGigEvent('gig.other', '{"id":"a"}')).toBeNull();
    expect(parseGigEvent('gig.application', '{"id":"a1","state":"teleported"}')).toBeNull();
    expect(parseGigEvent('gig.assignment', 'not json')).toBeNull();
    expect(parseGigEvent('gig.inbox', '[]')).toBeNull();
    expect(parseGigEvent('gig.inbox', JSON.stringify({ item: { ...item, title: 3 } }))).toBeNull();
    expect(readInboxItem({ ...item, jobId: undefined })).toBeNull();
  });
});

describe('mergeInbox', () => {
  it('adds streamed items the list does not have, newest first, and counts the unread', () => {
    const older = { ...item, id: 'old', createdAt: '2026-11-28T02:00:00Z', readAt: '2026-11-28T03:00:00Z' };
    const fresh = { ...item, id: 'new', createdAt: '2026-11-29T05:00:00Z' };
    const merged = mergeInbox([older, item], [fresh, { ...item, title: 'stale copy' }]);
    expect(merged.map((entry) => entry.id)).toEqual(['new', item.id, 'old']);
    expect(merged[1]?.title).toBe(item.title);
    expect(unreadCount(merged)).toBe(2);
  });
});
