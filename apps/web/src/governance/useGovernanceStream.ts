import { useEventStream, type StreamHandlers, type StreamStatus } from '../api/useEventStream';
import { parseStreamEvent, STREAM_TOPICS, type StreamEvent } from './stream';

export type { StreamStatus };

const STREAM_URL = '/api/governance/stream';

/** The command center's event stream (incidents, cases, devices) for the lifetime of the component. */
export function useGovernanceStream(handlers: StreamHandlers<StreamEvent>): StreamStatus {
  return useEventStream(handlers, {
    url: STREAM_URL,
    topics: STREAM_TOPICS,
    parse: parseStreamEvent,
  });
}
