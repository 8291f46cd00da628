import { useEffect, useRef, useState } from 'react';
import { GIG_API } from './gigApi';
import { GIG_RESET_TOPIC, GIG_STREAM_TOPICS, parseGigEvent, type GigEvent } from './stream';

export type GigStreamStatus = 'connecting' | 'live' | 'reconnecting' | 'closed';

const STREAM_URL = `${GIG_API}/stream`;
/** Retry delays after the browser gave up (a non-200 answer closes an EventSource for good). */
const BACKOFF_MS = [2_000, 5_000, 10_000, 30_000] as const;

export interface GigStreamHandlers {
  onEvent: (event: GigEvent) => void;
  /** Something may have been missed (a reset, or a new connection after a gap): refetch. */
  onResync: () => void;
}

/**
 * Subscribes to GET /api/gig/stream for the lifetime of the component, the way the command center
 * follows its own stream (governance/useGovernanceStream.ts): the browser reconnects by itself with
 * Last-Event-ID; after it gives up we reconnect with a back-off and ask the page to refetch.
 */
export function useGigStream(
  handlers: GigStreamHandlers,
  audience: 'worker' | 'employer',
  enabled = true,
): GigStreamStatus {
  const [status, setStatus] = useState<GigStreamStatus>('connecting');
  const latest = useRef(handlers);

  useEffect(() => {
    latest.current = handlers;
  });

  useEffect(() => {
    if (!enabled || typeof EventSource === 'undefined') return undefined;
    let source: EventSource | null = null;
    let retryTimer: number | undefined;
    let attempt = 0;
    let opened = false;
    let disposed = false;

    const connect = () => {
      // An account may be both a worker and an employer: say whose events these pages want.
      const current = new EventSource(`${STREAM_URL}?as=${audience}`);
      source = current;
      current.onopen = () => {
        if (opened) latest.current.onResync();
        opened = true;
        attempt = 0;
        setStatus('live');
      };
      current.onerror = () => {
        if (current.readyState === EventSource.CLOSED) {
          current.close();
          if (disposed) return;
          setStatus('closed');
          const delay = BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length - 1)] ?? 30_000;
          attempt += 1;
          retryTimer = window.setTimeout(connect, delay);
        } else {
          setStatus('reconnecting');
        }
      };
      for (const topic of GIG_STREAM_TOPICS) {
        current.addEventListener(topic, (message: MessageEvent<string>) => {
          const event = parseGigEvent(topic, message.data);
          if (event) latest.current.onEvent(event);
        });
      }
      current.addEventListener(GIG_RESET_TOPIC, () => {
        latest.current.onResync();
      });
    };

    connect();
    return () => {
      disposed = true;
      if (retryTimer !== undefined) window.clearTimeout(retryTimer);
      source?.close();
    };
  }, [enabled, audience]);

  return status;
}
