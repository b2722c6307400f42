// The API's resource shapes as the dashboard reads them.
import type { GuestChatMode } from '@beamline/protocol';

export type Role = 'owner' | 'admin' | 'editor' | 'viewer';
export const ROLES: Role[] = ['owner', 'admin', 'editor', 'viewer'];

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

export interface App {
  id: string;
  name: string;
  description: string | null;
  status: 'active' | 'archived';
  createdAt: string;
  updatedAt: string;
  role: Role | null;
}

export interface ApiKey {
  id: string;
  name: string;
  key: string;
  secretLast4: string;
  status: 'active' | 'revoked';
  createdAt: string;
  rotatedAt: string | null;
  previousSecretExpiresAt: string | null;
  revokedAt: string | null;
}

export interface ApiKeyWithSecret extends ApiKey {
  secret: string;
}

export interface Member {
  id: string;
  userId: string;
  email: string | null;
  name: string | null;
  role: Role;
  createdAt: string;
}

export interface Invitation {
  id: string;
  email: string;
  role: Role;
  createdAt: string;
  expiresAt: string;
  status: 'pending' | 'accepted';
}

export interface AuditEntry {
  id: string;
  actorType: string;
  actorId: string;
  action: string;
  method: string;
  path: string;
  target: string | null;
  status: number;
  ip: string;
  requestId: string;
  createdAt: string;
}

export type StreamStatus = 'idle' | 'live' | 'disconnected' | 'disabled';

export interface Stream {
  id: string;
  name: string;
  /** Absent for roles that may not change the stream (viewers), as are publishUrl and restream keys. */
  streamKey?: string;
  playbackId: string;
  playbackPolicy: 'public' | 'signed';
  latencyMode: 'standard' | 'low';
  profileId: string;
  record: boolean;
  reconnectWindowSeconds: number;
  enabled: boolean;
  status: StreamStatus;
  guestChat: GuestChatMode | null;
  rtmpUrl: string;
  publishUrl?: string;
  hlsUrl: string;
  thumbnailUrl: string;
  ingest: {
    videoCodec?: string;
    audioCodec?: string;
    width?: number;
    height?: number;
    fps?: number;
    bitrateKbps?: number;
    speed?: number;
    updatedAt: string;
  } | null;
  viewers: number;
  liveStartedAt: string | null;
  lastEndedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface Rendition {
  name: string;
  height: number;
  videoBitrateKbps: number;
  fps: number;
  audioBitrateKbps: number;
}

export interface TranscodingProfile {
  id: string;
  name: string;
  renditions: Rendition[];
  passthrough: boolean;
  segmentSeconds: number;
  encoder: string;
  preset: string;
  builtIn: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface Recording {
  id: string;
  streamId: string;
  status: 'recording' | 'ready' | 'failed';
  startedAt: string;
  endedAt: string | null;
  durationSeconds: number | null;
  sizeBytes: number | null;
  renditions: { name: string; width?: number; height?: number; bandwidth?: number }[];
  hlsUrl: string;
  thumbnailUrl: string;
  createdAt: string;
}

export interface Webhook {
  id: string;
  url: string;
  events: string[];
  description: string | null;
  enabled: boolean;
  disabledAt: string | null;
  disabledReason: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface WebhookWithSecret extends Webhook {
  secret: string;
}

export interface WebhookAttempt {
  attempt: number;
  at: string;
  status: number | null;
  latencyMs: number;
  responseExcerpt: string;
  error: string | null;
  outcome: 'succeeded' | 'retry' | 'failed';
}

export interface WebhookDelivery {
  id: string;
  webhookId: string;
  eventId: string;
  eventType: string;
  status: 'pending' | 'succeeded' | 'failed';
  test: boolean;
  attemptCount: number;
  nextAttemptAt: string | null;
  lastStatus: number | null;
  lastError: string | null;
  attempts: WebhookAttempt[];
  createdAt: string;
  updatedAt: string;
  completedAt: string | null;
}

export interface WebhookTestResult {
  ok: boolean;
  status: number | null;
  latencyMs: number;
  error: string | null;
  responseExcerpt: string;
  deliveryId: string;
  eventId: string;
}

export interface Branding {
  appId: string;
  colors: { primary: string; secondary: string; accent: string; background: string; text: string };
  fonts: { heading: string; body: string };
  playerSkin: 'default' | 'minimal' | 'rounded';
  watermarkPosition: 'top-left' | 'top-right' | 'bottom-left' | 'bottom-right';
  supportEmail: string | null;
  emailFooter: string | null;
  socialLinks: { network: string; url: string }[];
  guestChat: boolean;
  logoUrl: string | null;
  faviconUrl: string | null;
  watermarkUrl: string | null;
  updatedAt: string;
}

export interface CustomDomain {
  id: string;
  hostname: string;
  status: 'pending' | 'verified';
  txtRecord: { name: string; type: 'TXT'; value: string };
  verifiedAt: string | null;
  lastCheckedAt: string | null;
  lastError: string | null;
  createdAt: string;
}

export interface WatchInfo {
  appId: string;
  stream: {
    id: string;
    name: string;
    playbackId: string;
    playbackPolicy: 'public' | 'signed';
    status: 'live' | 'offline' | 'disabled';
    viewers: number;
    liveStartedAt: string | null;
    hlsUrl: string;
  };
  chat: { channelId: string; guestAccess: boolean; guestChat: GuestChatMode; realtimeUrl: string };
  branding: Branding;
}
