// The documents of live streams, transcoding profiles and recordings, and their tenant-scoped collections.
import {
  STREAM_RECORD_INDEXES,
  STREAMS,
  streamsCollection,
  tenantCollection,
  type Collection,
  type DocumentStore,
  type IndexSpec,
  type TenantCollection,
} from '@beamline/core';
import type { GuestChatMode } from '@beamline/protocol';
import type {
  IngestStats as IngestReport,
  LatencyMode,
  PlaybackPolicy,
  RecordingRendition,
  Rendition,
  RestreamReport,
  VideoEncoderName,
} from '@beamline/protocol/edge';

export type { LatencyMode, PlaybackPolicy };
/** Where the publisher is: idle (nobody), live, disconnected (left, may resume within the reconnect window). */
export type StreamState = 'idle' | 'live' | 'disconnected';

export interface RestreamTarget {
  id: string;
  url: string;
  streamKey: string;
  enabled: boolean;
}

/** The edge's last report of the ingest and of each restream target, with when the control plane got it. */
export type IngestStats = IngestReport & { updatedAt: string };
export type RestreamStatus = RestreamReport & { updatedAt: string };

export interface StreamDoc {
  id: string;
  appId: string;
  name: string;
  streamKey: string;
  playbackId: string;
  playbackPolicy: PlaybackPolicy;
  latencyMode: LatencyMode;
  profileId: string;
  record: boolean;
  reconnectWindowSeconds: number;
  restreamTargets: RestreamTarget[];
  /** Who may chat on the stream's player page; absent: the app's default (guestChatModeOf). */
  guestChat?: GuestChatMode;
  enabled: boolean;
  state: StreamState;
  /** The publish session the edge holds; reports naming any other session are ignored. */
  liveSessionId?: string;
  /** The stream key the live session was admitted with; a reset key cuts the session. */
  liveSessionKey?: string;
  liveRecordingId?: string;
  liveStartedAt?: string;
  disconnectedAt?: string;
  lastSeenAt?: string;
  lastEndedAt?: string;
  ingest?: IngestStats;
  restreamStatus?: Record<string, RestreamStatus>;
  viewers?: number;
  bytesServed?: number;
  /** Why the last publish was refused (over the plan's concurrent streams); cleared when a publish starts. */
  publishRefusal?: { reason: string; message: string; at: string };
  createdAt: string;
  updatedAt: string;
}

export const X264_PRESETS = [
  'ultrafast',
  'superfast',
  'veryfast',
  'faster',
  'fast',
  'medium',
  'slow',
  'slower',
  'veryslow',
] as const;

export interface ProfileDoc {
  id: string;
  appId: string;
  name: string;
  renditions: Rendition[];
  passthrough: boolean;
  segmentSeconds: number;
  encoder: VideoEncoderName;
  preset: string;
  createdAt: string;
  updatedAt: string;
}

export interface RecordingDoc {
  id: string;
  appId: string;
  streamId: string;
  playbackId: string;
  status: 'recording' | 'ready' | 'failed';
  startedAt: string;
  endedAt?: string;
  durationSeconds?: number;
  sizeBytes?: number;
  renditions?: RecordingRendition[];
  /** Base URL of the edge holding the files, for deletion. */
  edgeUrl?: string;
  createdAt: string;
}

export const STREAM_COLLECTIONS = [STREAMS, 'transcoding_profiles', 'recordings'] as const;

export const STREAM_INDEXES: IndexSpec[] = [
  ...STREAM_RECORD_INDEXES,
  { collection: 'recordings', fields: ['streamId'] },
  { collection: 'transcoding_profiles', fields: ['appId'] },
  { collection: 'recordings', fields: ['appId'] },
];

export interface StreamRepos {
  streams: TenantCollection<StreamDoc>;
  profiles: TenantCollection<ProfileDoc>;
  recordings: TenantCollection<RecordingDoc>;
}

export interface StreamLookup {
  /** Cross-tenant look-ups for the edge only: by stream key, by playback id. */
  streams: Collection<StreamDoc>;
  recordings: Collection<RecordingDoc>;
  forApp(appId: string): StreamRepos;
}

export function streamRepos(store: DocumentStore): StreamLookup {
  const streams = streamsCollection<StreamDoc>(store);
  const profiles = store.collection<ProfileDoc>('transcoding_profiles');
  const recordings = store.collection<RecordingDoc>('recordings');
  return {
    streams,
    recordings,
    forApp: (appId) => ({
      streams: tenantCollection(streams, appId),
      profiles: tenantCollection(profiles, appId),
      recordings: tenantCollection(recordings, appId),
    }),
  };
}
