import { useEffect, useRef, useState } from 'react';

export type StreamStatus = 'connecting' | 'live' | 'reconnecting' | 'closed';

/** The realtime hub's control event: it cannot replay what the client missed (platform/realtime). */
const RESET_EVENT = 'stream.reset';

/** Retry delays after the browser gave up (a non-200 answer closes an EventSource for good). */
const BACKOFF_MS = [2_000, 5_000, 10_000, 30_000] as const;

export interface StreamHandlers<E> {
  onEvent: (event: E) => void;
  /**
   * The stream cannot vouch for what was missed (a reset event, or a new connection after the
   * browser gave up): the page should refetch what it shows.
   */
  onResync: () => void;
}

export interface EventStreamOptions<E> {
  url: string;
  /** The event names to listen to, each parsed by `parse` (an unparseable message is dropped). */
  topics: readonly string[];
  parse: (topic: string, data: string) => E | null;
  enabled?: boolean;
}

/**
 * Subscribes to a server-sent event stream for the lifetime of the component. The browser's
 * EventSource reconnects by itself and sends Last-Event-ID, so the server replays what was missed;
 * if it closes for good (e.g. a 5xx while the server restarts) we open a new one after a back-off
 * and ask the page to refetch (as on the hub's `stream.reset`). Handlers live in a ref: changing them never reconnects; a new `url`
 * (or `enabled`) does.
 */
export function useEventStream<E>(handlers: StreamHandlers<E>, options: EventStreamOptions<E>): StreamStatus {
  const [status, setStatus] = useState<StreamStatus>('connecting');
  const latest = useRef(handlers);
  const spec = useRef(options);

  useEffect(() => {
    latest.current = handlers;
    spec.current = options;
  });

  const { url, enabled = true } = options;
  useEffect(() => {
    if (!enabled || typeof EventSource === 'undefined') return undefined;
    let source: EventSource | null = null;
    let retryTimer: number | undefined;
    let attempt = 0;
    let opened = false;
    let disposed = false;

    const connect = () => {
      const current = new EventSource(url);
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
      for (const topic of spec.current.topics) {
        current.addEventListener(topic, (message: MessageEvent<string>) => {
          const event = spec.current.parse(topic, message.data);
          if (event) latest.current.onEvent(event);
        });
      }
      current.addEventListener(RESET_EVENT, () => {
        latest.current.onResync();
      });
    };

    connect();
    return () => {
      disposed = true;
      if (retryTimer !== undefined) window.clearTimeout(retryTimer);
      source?.close();
    };
  }, [url, enabled]);

  return status;
}
