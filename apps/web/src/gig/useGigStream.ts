import { useEventStream, type StreamHandlers, type StreamStatus } from '../api/useEventStream';
import { GIG_API } from './gigApi';
import { GIG_STREAM_TOPICS, parseGigEvent, type GigEvent } from './stream';

export type GigStreamHandlers = StreamHandlers<GigEvent>;

/**
 * GET /api/gig/stream for the lifetime of the component: the signed-in worker's or employer's own
 * events (an account may be both: `audience` says whose events these pages want).
 */
export function useGigStream(handlers: GigStreamHandlers, audience: 'worker' | 'employer'): StreamStatus {
  return useEventStream(handlers, {
    url: `${GIG_API}/stream?as=${audience}`,
    topics: GIG_STREAM_TOPICS,
    parse: parseGigEvent,
  });
}
