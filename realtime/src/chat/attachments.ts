// What a message may attach: the app's own uploads, or images on hosts the app owner allows; nothing else.
import { tenantCollection, type DocumentStore, type IndexSpec, type TenantCollection } from '@beamline/core';
import type { Attachment } from '@beamline/protocol';
import { forbidden } from '../errors';
import type { ChatCtx } from './context';

/** One stored upload (an image for chat); the file lives under DATA_DIR at `path`. */
export interface UploadDoc {
  /** `upl_…` */
  id: string;
  appId: string;
  /** The end user who uploaded it with their user token; absent for uploads of an API key or a member. */
  userId?: string;
  /** The API key (`key_…`) or the member's developer account (`usr_…`) that uploaded it, when not an end user. */
  actorId?: string;
  contentType: string;
  size: number;
  /** Relative to DATA_DIR, e.g. `uploads/app_…/upl_….png`. */
  path: string;
  /** Where it is served: the only URL under which a message may attach it. */
  url: string;
  createdAt: string;
}

/** The app's chat settings (one document per app, id = appId). */
export interface ChatSettingsDoc {
  id: string;
  appId: string;
  /** Hosts (`cdn.example.com`, `*.example.com`) whose images messages may attach besides the app's uploads. */
  attachmentHosts: string[];
  updatedAt: string;
}

export const UPLOADS_COLLECTION = 'uploads';
export const CHAT_SETTINGS_COLLECTION = 'chat_settings';
/** Collections of this module whose documents belong to one app (wiped with the app). */
export const ATTACHMENT_COLLECTIONS = [UPLOADS_COLLECTION, CHAT_SETTINGS_COLLECTION] as const;
export const ATTACHMENT_INDEXES: IndexSpec[] = [
  ...ATTACHMENT_COLLECTIONS.map((collection) => ({ collection, fields: ['appId'] })),
  { collection: UPLOADS_COLLECTION, fields: ['userId'], sparse: true },
];

export function uploadsOf(store: DocumentStore, appId: string): TenantCollection<UploadDoc> {
  return tenantCollection(store.collection<UploadDoc>(UPLOADS_COLLECTION), appId);
}

export function chatSettingsOf(store: DocumentStore, appId: string): TenantCollection<ChatSettingsDoc> {
  return tenantCollection(store.collection<ChatSettingsDoc>(CHAT_SETTINGS_COLLECTION), appId);
}

/**
 * The end of an upload's path as the control plane serves it: /uploads/{appId}/{uploadId}.{ext} (after the path of
 * PUBLIC_BASE_URL, when the platform is served under one).
 */
export const UPLOAD_PATH = /\/uploads\/(app_[A-Za-z0-9]{1,40})\/(upl_[A-Za-z0-9]{20})\.(png|jpg|gif|webp)$/;

/** A host pattern of the allow-list: a host name, or `*.` and a domain (its subdomains, not the domain itself). */
export const ATTACHMENT_HOST = /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$|^localhost$/;

export function hostAllowed(host: string, allowed: readonly string[]): boolean {
  const h = host.toLowerCase();
  return allowed.some((pattern) =>
    pattern.startsWith('*.') ? h.endsWith(pattern.slice(1)) && h.length > pattern.length - 1 : h === pattern,
  );
}

const refuse = (url: string, why: string) =>
  forbidden('attachment_not_allowed', `Attachment ${url.slice(0, 200)} is not allowed: ${why}`, {
    url: url.slice(0, 2000),
  });

/**
 * Refuses (attachment_not_allowed) any attachment that is neither one of this app's uploads, by the exact URL it
 * was served under, nor an image on a host of the app's allow-list. An upload URL of another app is refused even
 * when its host is on the list.
 */
export async function checkAttachments(ctx: ChatCtx, attachments: readonly Attachment[]): Promise<void> {
  let hosts: Promise<string[]> | undefined;
  for (const { url } of attachments) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw refuse(url, 'not a URL.');
    }
    const upload = UPLOAD_PATH.exec(parsed.pathname);
    if (upload) {
      const stored =
        upload[1] === ctx.appId ? await uploadsOf(ctx.chat.store, ctx.appId).findOne({ id: upload[2]! }) : null;
      if (stored?.url === url) continue;
      throw refuse(url, 'not an upload of this app.');
    }
    hosts ??= chatSettingsOf(ctx.chat.store, ctx.appId)
      .findOne({ id: ctx.appId })
      .then((s) => s?.attachmentHosts ?? []);
    if (hostAllowed(parsed.hostname, await hosts)) continue;
    throw refuse(url, "its host is not on the app's attachment hosts (chat settings).");
  }
}
