// Typed methods per REST resource; each names the operationId it calls (see /openapi.json).
import type { PageIterator } from './pagination';
import { Resource } from './resource';
import type { OpBody, OpQuery, OpResult, Schemas } from './types';

export type App = Schemas['App'];
export type ApiKey = Schemas['ApiKey'];
export type ApiKeyWithSecret = Schemas['ApiKeyWithSecret'];
export type Member = Schemas['Member'];
export type Invitation = Schemas['Invitation'];
export type AuditLogEntry = Schemas['AuditLogEntry'];
export type Stream = Schemas['Stream'];
export type TranscodingProfile = Schemas['TranscodingProfile'];
export type Recording = Schemas['Recording'];
export type Webhook = Schemas['Webhook'];
export type WebhookWithSecret = Schemas['WebhookWithSecret'];
export type WebhookDelivery = Schemas['WebhookDelivery'];
export type WebhookTestResult = Schemas['WebhookTestResult'];
export type Branding = Schemas['Branding'];
export type CustomDomain = Schemas['CustomDomain'];
export type WatchPage = Schemas['WatchPage'];

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

const WEBHOOK = '/v1/apps/{appId}/webhooks/{webhookId}';

export class WebhooksResource extends Resource {
  /** A new endpoint; its signing secret is returned here only. */
  create(body: OpBody<'createWebhook'>): Promise<WebhookWithSecret> {
    return this.request('createWebhook', 'POST', '/v1/apps/{appId}/webhooks', { body });
  }

  list(query: OpQuery<'listWebhooks'> = {}): PageIterator<Webhook> {
    return this.paginate('listWebhooks', '/v1/apps/{appId}/webhooks', { query });
  }

  retrieve(webhookId: string): Promise<Webhook> {
    return this.request('getWebhook', 'GET', WEBHOOK, { params: { webhookId } });
  }

  update(webhookId: string, body: OpBody<'updateWebhook'>): Promise<Webhook> {
    return this.request('updateWebhook', 'PATCH', WEBHOOK, { params: { webhookId }, body });
  }

  delete(webhookId: string): Promise<OpResult<'deleteWebhook'>> {
    return this.request('deleteWebhook', 'DELETE', WEBHOOK, { params: { webhookId } });
  }

  /** A new signing secret; the old one may keep signing for a grace period. */
  rotateSecret(webhookId: string, body: OpBody<'rotateWebhookSecret'> = {}): Promise<OpResult<'rotateWebhookSecret'>> {
    return this.request('rotateWebhookSecret', 'POST', `${WEBHOOK}/rotate-secret`, { params: { webhookId }, body });
  }

  /** Sends a `webhook.test` event now and returns what the receiver answered. */
  test(webhookId: string): Promise<OpResult<'testWebhook'>> {
    return this.request('testWebhook', 'POST', `${WEBHOOK}/test`, { params: { webhookId } });
  }

  listDeliveries(webhookId: string, query: OpQuery<'listWebhookDeliveries'> = {}): PageIterator<WebhookDelivery> {
    return this.paginate('listWebhookDeliveries', `${WEBHOOK}/deliveries`, { params: { webhookId }, query });
  }

  retrieveDelivery(webhookId: string, deliveryId: string): Promise<OpResult<'getWebhookDelivery'>> {
    return this.request('getWebhookDelivery', 'GET', `${WEBHOOK}/deliveries/{deliveryId}`, {
      params: { webhookId, deliveryId },
    });
  }

  redeliver(webhookId: string, deliveryId: string): Promise<OpResult<'redeliverWebhookDelivery'>> {
    return this.request('redeliverWebhookDelivery', 'POST', `${WEBHOOK}/deliveries/{deliveryId}/redeliver`, {
      params: { webhookId, deliveryId },
    });
  }

  /** Queues every failed delivery between `from` and `to` again. */
  redeliverFailed(
    webhookId: string,
    body: OpBody<'redeliverFailedWebhookDeliveries'>,
  ): Promise<OpResult<'redeliverFailedWebhookDeliveries'>> {
    return this.request('redeliverFailedWebhookDeliveries', 'POST', `${WEBHOOK}/redeliver`, {
      params: { webhookId },
      body,
    });
  }
}

export class BrandingResource extends Resource {
  /** Colours, logo and player options of the app's white-label look. */
  retrieve(): Promise<Branding> {
    return this.request('getBranding', 'GET', '/v1/apps/{appId}/branding');
  }

  /** The branding as a stylesheet of CSS custom properties, to serve from your own pages. */
  async css(): Promise<string> {
    const css: unknown = await this.request('exportBrandingCss', 'GET', '/v1/apps/{appId}/branding.css', {
      text: true,
    });
    return css as string;
  }
}

export class DomainsResource extends Resource {
  /** Custom domains of the app and their verification state. */
  list(): PageIterator<CustomDomain> {
    return this.paginate('listDomains', '/v1/apps/{appId}/domains');
  }
}
