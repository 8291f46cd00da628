import type { InboxItem } from '@jiedao/contracts';
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import { useApi } from '../api/useApi';
import type { ApiState } from '../api/useApi';
import { GIG_API } from './gigApi';
import { mergeInbox, unreadCount, type GigEvent } from './stream';
import { useGigStream } from './useGigStream';

export type LiveChannel = 'inbox' | 'applications' | 'assignments';
type Counters = Record<LiveChannel, number>;
const ZERO: Counters = { inbox: 0, applications: 0, assignments: 0 };

interface GigLiveValue {
  /** Bumped by each event (or resync) of a channel: the pages showing it reload. */
  versions: Counters;
  /** Events since the person last looked at the channel's page: the badges. */
  unseen: Counters;
  markSeen: (channel: LiveChannel) => void;
  /** The worker's inbox (fetched, plus items the stream brought since); `null` for employers. */
  inbox: { items: InboxItem[]; unread: number; state: ApiState<InboxItem[]> } | null;
  /** Mark an inbox item read here at once (the server was told). */
  markRead: (id: string, readAt: string) => void;
}

const GigLiveContext = createContext<GigLiveValue | null>(null);

function channelOf(event: GigEvent): LiveChannel {
  switch (event.topic) {
    case 'gig.inbox':
      return 'inbox';
    case 'gig.application':
      return 'applications';
    case 'gig.assignment':
      return 'assignments';
    default:
      return event satisfies never;
  }
}

/**
 * The live side of the worker's and employer's pages: one EventSource on /api/gig/stream for all of
 * them, badge counts per channel, and (for workers) the inbox.
 */
export function GigLiveProvider({
  audience,
  children,
}: {
  audience: 'worker' | 'employer';
  children: ReactNode;
}) {
  const [versions, setVersions] = useState<Counters>(ZERO);
  const [unseen, setUnseen] = useState<Counters>(ZERO);
  const [liveInbox, setLiveInbox] = useState<InboxItem[]>([]);
  const [readNow, setReadNow] = useState<ReadonlyMap<string, string>>(new Map());
  const inboxState = useApi<InboxItem[]>(audience === 'worker' ? `${GIG_API}/worker/inbox` : null);
  const reloadInbox = inboxState.reload;

  const bump = useCallback((channels: readonly LiveChannel[], countAsUnseen: boolean) => {
    setVersions((current) => {
      const next = { ...current };
      for (const channel of channels) next[channel] += 1;
      return next;
    });
    if (countAsUnseen)
      setUnseen((current) => {
        const next = { ...current };
        for (const channel of channels) next[channel] += 1;
        return next;
      });
  }, []);

  useGigStream(
    {
      onEvent: (event) => {
        if (event.topic === 'gig.inbox') setLiveInbox((items) => [event.item, ...items]);
        // A new offer or a confirmed hire also lands in the inbox; either way the lists refresh.
        bump([channelOf(event)], true);
      },
      onResync: () => {
        reloadInbox();
        bump(['inbox', 'applications', 'assignments'], false);
      },
    },
    audience,
  );

  const markSeen = useCallback((channel: LiveChannel) => {
    setUnseen((current) => (current[channel] === 0 ? current : { ...current, [channel]: 0 }));
  }, []);

  const markRead = useCallback((id: string, readAt: string) => {
    setReadNow((current) => new Map(current).set(id, readAt));
  }, []);

  const inbox = useMemo(() => {
    if (audience !== 'worker') return null;
    const items = mergeInbox(inboxState.data ?? [], liveInbox).map((item) => {
      const readAt = readNow.get(item.id);
      return readAt && item.readAt === null ? { ...item, readAt } : item;
    });
    return { items, unread: unreadCount(items), state: inboxState };
  }, [audience, inboxState, liveInbox, readNow]);

  const value = useMemo(
    () => ({ versions, unseen, markSeen, inbox, markRead }),
    [versions, unseen, markSeen, inbox, markRead],
  );
  return <GigLiveContext.Provider value={value}>{children}</GigLiveContext.Provider>;
}

export function useGigLive(): GigLiveValue | null {
  return useContext(GigLiveContext);
}

/**
 * For a page showing one channel: reloads it when the stream says it changed, and clears the channel's
 * badge while the page is open.
 */
export function useLiveChannel(channel: LiveChannel, reload: () => void): void {
  const live = useGigLive();
  const version = live?.versions[channel] ?? 0;
  const markSeen = live?.markSeen;
  const loaded = useRef(version);

  useEffect(() => {
    if (version === loaded.current) return;
    loaded.current = version;
    reload();
  }, [version, reload]);

  useEffect(() => {
    markSeen?.(channel);
  }, [markSeen, channel, version]);
}
