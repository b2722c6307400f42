// Owner of the `streams` collection: its name, indexes and accessors. The control plane's streams feature keeps the
// whole document (StreamDoc extends StreamRecord); realtime and chat read the fields named here.
import type { GuestChatMode } from '@beamline/protocol';
import { tenantCollection, type Collection, type DocumentStore, type IndexSpec, type TenantCollection } from '../store';

export const STREAMS = 'streams';

/** The fields of a stream any service may rely on. */
export interface StreamRecord {
  id: string;
  appId: string;
  name: string;
  playbackId: string;
  playbackPolicy: 'public' | 'signed';
  /** Who may chat on the stream's player page; absent: the app's default. */
  guestChat?: GuestChatMode;
}

export const STREAM_RECORD_INDEXES: IndexSpec[] = [
  { collection: STREAMS, fields: ['streamKey'], unique: true },
  { collection: STREAMS, fields: ['playbackId'], unique: true },
  { collection: STREAMS, fields: ['appId'] },
];

/** Cross-tenant, for look-ups by stream key or playback id (the edge, the player page). */
export function streamsCollection<T extends StreamRecord = StreamRecord>(store: DocumentStore): Collection<T> {
  return store.collection<T>(STREAMS);
}

/** One app's streams. */
export function appStreams<T extends StreamRecord = StreamRecord>(
  store: DocumentStore,
  appId: string,
): TenantCollection<T> {
  return tenantCollection(streamsCollection<T>(store), appId);
}
