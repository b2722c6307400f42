// How a platform event changes a stream as the dashboard shows it.
import type { EventEnvelope } from '../api/realtime';
import type { Stream } from '@beamline/sdk';

export function applyStreamEvent(s: Stream, e: EventEnvelope): Stream {
  const data = e.data as { streamId?: string; viewers?: number; startedAt?: string; endedAt?: string };
  if (data.streamId !== s.id) return s;
  switch (e.type) {
    case 'stream.live':
      return { ...s, status: 'live', liveStartedAt: data.startedAt ?? e.createdAt };
    case 'stream.offline':
      return { ...s, status: s.enabled ? 'idle' : 'disabled', viewers: 0, lastEndedAt: data.endedAt ?? e.createdAt };
    case 'viewer.count.update':
      return { ...s, viewers: data.viewers ?? s.viewers };
    default:
      return s;
  }
}
