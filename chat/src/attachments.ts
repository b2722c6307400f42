// What a message may attach: the app's own uploads, or images on hosts the app owner allows; nothing else.
import type { Attachment } from '@beamline/protocol';
import { forbidden } from './errors';
import type { ChatCtx } from './context';
import { chatSettingsOf, uploadsOf } from './repos';

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
