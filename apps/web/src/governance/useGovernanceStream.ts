import { useEffect, useRef, useState } from 'react';
import { parseStreamEvent, RESET_TOPIC, STREAM_TOPICS, type StreamEvent } from './stream';

export type StreamStatus = 'connecting' | 'live' | 'reconnecting' | 'closed';

export const STREAM_URL = '/api/governance/stream';

/** Retry delays after the browser gave up (a non-200 answer closes an EventSource for good). */
const BACKOFF_MS = [2_000, 5_000, 10_000, 30_000] as const;

export interface StreamHandlers {
  onEvent: (event: StreamEvent) => void;
  /**
   * The stream cannot vouch for what was missed (a `stream.reset`, or a new connection after the
   * browser gave up): the page should refetch what it shows.
   */
  onResync: () => void;
}

/**
 * Subscribes once to the command center's event stream for the lifetime of the component. The
 * browser's EventSource reconnects by itself and sends Last-Event-ID, so the server replays what was
 * missed; if it closes for good (e.g. a 5xx while the server restarts) we open a new one after a
 * back-off and ask the page to refetch. Handlers live in a ref: changing them never reconnects.
 */
export function useGovernanceStream(handlers: StreamHandlers): StreamStatus {
  const [status, setStatus] = useState<StreamStatus>('connecting');
  const latest = useRef(handlers);

  useEffect(() => {
    latest.current = handlers;
  });

  useEffect(() => {
    let source: EventSource | null = null;
    let retryTimer: number | undefined;
    let attempt = 0;
    let opened = false;
    let disposed = false;

    const connect = () => {
      const current = new EventSource(STREAM_URL);
      source = current;
      current.onopen = () => {
        // Any open after the first may follow a gap the server could not replay: refetch to be sure.
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
      for (const topic of STREAM_TOPICS) {
        current.addEventListener(topic, (message: MessageEvent<string>) => {
          const event = parseStreamEvent(topic, message.data);
          if (event) latest.current.onEvent(event);
        });
      }
      current.addEventListener(RESET_TOPIC, () => {
        latest.current.onResync();
      });
    };

    connect();
    return () => {
      disposed = true;
      if (retryTimer !== undefined) window.clearTimeout(retryTimer);
      source?.close();
    };
  }, []);

  return status;
}
