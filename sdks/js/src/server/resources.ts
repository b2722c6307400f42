// Typed methods per REST resource; each names the operationId it calls (see /openapi.json).
import type { PageIterator } from './pagination';
import { Resource } from './resource';
import type { OpBody, OpQuery, OpResult, Schemas } from './types';

export type App = Schemas['App'];
export type AuditLogEntry = Schemas['AuditLogEntry'];
export type Stream = Schemas['Stream'];
export type TranscodingProfile = Schemas['TranscodingProfile'];
export type Recording = Schemas['Recording'];

export class AppsResource extends Resource {
  /** The app this API key belongs to. */
  retrieve(): Promise<App> {
    return this.request('getApp', 'GET', '/v1/apps/{appId}');
  }
}

export class AuditLogsResource extends Resource {
  /** The audit log, newest first; `for await` walks every page. */
  list(query: OpQuery<'listAuditLogs'> = {}): PageIterator<AuditLogEntry> {
    return this.paginate('listAuditLogs', '/v1/apps/{appId}/audit-logs', { query });
  }
}

const STREAM = '/v1/apps/{appId}/streams/{streamId}';

export class StreamsResource extends Resource {
  /** A new live stream: its RTMP URL and stream key for the encoder, its playback id for viewers. */
  create(body: OpBody<'createStream'>): Promise<Stream> {
    return this.request('createStream', 'POST', '/v1/apps/{appId}/streams', { body });
  }

  list(query: OpQuery<'listStreams'> = {}): PageIterator<Stream> {
    return this.paginate('listStreams', '/v1/apps/{appId}/streams', { query });
  }

  retrieve(streamId: string): Promise<Stream> {
    return this.request('getStream', 'GET', STREAM, { params: { streamId } });
  }

  update(streamId: string, body: OpBody<'updateStream'>): Promise<Stream> {
    return this.request('updateStream', 'PATCH', STREAM, { params: { streamId }, body });
  }

  delete(streamId: string): Promise<OpResult<'deleteStream'>> {
    return this.request('deleteStream', 'DELETE', STREAM, { params: { streamId } });
  }

  /** A new stream key; the old one stops working at once. */
  resetKey(streamId: string): Promise<Stream> {
    return this.request('resetStreamKey', 'POST', `${STREAM}/reset-key`, { params: { streamId } });
  }

  enable(streamId: string): Promise<Stream> {
    return this.request('enableStream', 'POST', `${STREAM}/enable`, { params: { streamId } });
  }

  /** Refuses new publishes and ends a live session. */
  disable(streamId: string): Promise<Stream> {
    return this.request('disableStream', 'POST', `${STREAM}/disable`, { params: { streamId } });
  }

  /** A playback token minted by the platform, with the ready-to-play URL. */
  createPlaybackToken(
    streamId: string,
    body: OpBody<'createPlaybackToken'> = {},
  ): Promise<OpResult<'createPlaybackToken'>> {
    return this.request('createPlaybackToken', 'POST', `${STREAM}/playback-tokens`, { params: { streamId }, body });
  }
}

const PROFILE = '/v1/apps/{appId}/transcoding-profiles/{profileId}';

export class TranscodingProfilesResource extends Resource {
  /** Built-in and custom profiles. */
  list(): PageIterator<TranscodingProfile> {
    return this.paginate('listTranscodingProfiles', '/v1/apps/{appId}/transcoding-profiles');
  }

  create(body: OpBody<'createTranscodingProfile'>): Promise<TranscodingProfile> {
    return this.request('createTranscodingProfile', 'POST', '/v1/apps/{appId}/transcoding-profiles', { body });
  }

  retrieve(profileId: string): Promise<TranscodingProfile> {
    return this.request('getTranscodingProfile', 'GET', PROFILE, { params: { profileId } });
  }

  update(profileId: string, body: OpBody<'updateTranscodingProfile'>): Promise<TranscodingProfile> {
    return this.request('updateTranscodingProfile', 'PUT', PROFILE, { params: { profileId }, body });
  }

  delete(profileId: string): Promise<OpResult<'deleteTranscodingProfile'>> {
    return this.request('deleteTranscodingProfile', 'DELETE', PROFILE, { params: { profileId } });
  }
}

const RECORDING = '/v1/apps/{appId}/recordings/{recordingId}';

export class RecordingsResource extends Resource {
  list(query: OpQuery<'listRecordings'> = {}): PageIterator<Recording> {
    return this.paginate('listRecordings', '/v1/apps/{appId}/recordings', { query });
  }

  retrieve(recordingId: string): Promise<Recording> {
    return this.request('getRecording', 'GET', RECORDING, { params: { recordingId } });
  }

  delete(recordingId: string): Promise<OpResult<'deleteRecording'>> {
    return this.request('deleteRecording', 'DELETE', RECORDING, { params: { recordingId } });
  }
}
