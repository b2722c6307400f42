// The server client: `new Platform({ apiKey, apiSecret, baseUrl })`, for a developer's backend only.
import { HttpClient, type HttpOptions } from './http';
import {
  AppsResource,
  AuditLogsResource,
  BrandingResource,
  DomainsResource,
  RecordingsResource,
  StreamsResource,
  TranscodingProfilesResource,
  WebhooksResource,
} from './resources';
import type { ResourceContext } from './resource';
import {
  ChannelsResource,
  ModerationResource,
  RealtimeResource,
  UploadsResource,
  UsersResource,
} from './resources-chat';
import { AnalyticsResource, BillingResource, UsageResource } from './resources-insights';
import { createPlaybackToken, createUserToken, type PlaybackTokenOptions, type UserTokenOptions } from './tokens';
import type { OpResult } from './types';

export interface PlatformOptions extends HttpOptions {
  /** The app's id (`app_…`); looked up from the API key on first use when omitted. */
  appId?: string;
}

export class Platform {
  readonly apps: AppsResource;
  readonly auditLogs: AuditLogsResource;
  readonly streams: StreamsResource;
  readonly transcodingProfiles: TranscodingProfilesResource;
  readonly recordings: RecordingsResource;
  readonly webhooks: WebhooksResource;
  readonly branding: BrandingResource;
  readonly domains: DomainsResource;
  readonly channels: ChannelsResource;
  readonly moderation: ModerationResource;
  readonly users: UsersResource;
  readonly uploads: UploadsResource;
  readonly realtime: RealtimeResource;
  readonly analytics: AnalyticsResource;
  readonly usage: UsageResource;
  readonly billing: BillingResource;

  private readonly http: HttpClient;
  private readonly credentials: { apiKey: string; apiSecret: string };
  private appIdPromise: Promise<string> | undefined;

  constructor(options: PlatformOptions) {
    this.http = new HttpClient(options);
    this.credentials = { apiKey: options.apiKey, apiSecret: options.apiSecret };
    if (options.appId) this.appIdPromise = Promise.resolve(options.appId);
    const ctx: ResourceContext = { http: this.http, appId: () => this.appId() };
    this.apps = new AppsResource(ctx);
    this.auditLogs = new AuditLogsResource(ctx);
    this.streams = new StreamsResource(ctx);
    this.transcodingProfiles = new TranscodingProfilesResource(ctx);
    this.recordings = new RecordingsResource(ctx);
    this.webhooks = new WebhooksResource(ctx);
    this.branding = new BrandingResource(ctx);
    this.domains = new DomainsResource(ctx);
    this.channels = new ChannelsResource(ctx);
    this.moderation = new ModerationResource(ctx);
    this.users = new UsersResource(ctx);
    this.uploads = new UploadsResource(ctx);
    this.realtime = new RealtimeResource(ctx);
    this.analytics = new AnalyticsResource(ctx);
    this.usage = new UsageResource(ctx);
    this.billing = new BillingResource(ctx);
  }

  /** The id of the app this API key belongs to (one request, then cached). */
  appId(): Promise<string> {
    this.appIdPromise ??= this.http
      .request<OpResult<'listApps'>>('listApps', 'GET', '/v1/apps')
      .then((page) => {
        const app = page.data[0];
        if (!app) throw new Error('This API key sees no app.');
        return app.id;
      })
      .catch((err: unknown) => {
        this.appIdPromise = undefined;
        throw err;
      });
    return this.appIdPromise;
  }

  /** A chat user token for `ChatClient.connect({ token })`, signed with this API secret. */
  createUserToken(userId: string, options?: UserTokenOptions): string {
    return createUserToken(this.credentials, userId, options);
  }

  /** A playback token for a signed stream's playback id. */
  createPlaybackToken(playbackId: string, options?: PlaybackTokenOptions): string {
    return createPlaybackToken(this.credentials, playbackId, options);
  }
}
