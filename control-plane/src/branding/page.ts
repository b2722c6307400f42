// What the page server needs from branding: the app of a custom Host or playback id, and the <head> tags.
import { streamsCollection, type DocumentStore } from '@beamline/core';
import { attr, type PageBranding } from '../dashboard/serve';
import { getBranding, type BrandingServices } from './branding';
import { domainsCollection } from './domains';
import { publicBranding } from './model';

const TTL_MS = 30_000;
const MAX_ENTRIES = 1000;

/** A small time-bounded cache: custom-domain pages look the Host up on every asset request. */
function cached<T>(load: (key: string) => Promise<T>): (key: string) => Promise<T> {
  const entries = new Map<string, { at: number; value: Promise<T> }>();
  return (key) => {
    const hit = entries.get(key);
    if (hit && Date.now() - hit.at < TTL_MS) return hit.value;
    if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value!);
    const value = load(key);
    value.catch(() => entries.delete(key));
    entries.set(key, { at: Date.now(), value });
    return value;
  };
}

export function pageBranding(store: DocumentStore, s: BrandingServices, now: () => Date): PageBranding {
  const domains = domainsCollection(store);
  return {
    appForHost: cached(async (host) => (await domains.findOne({ verifiedHostname: host }))?.appId ?? null),
    appForPlayback: async (playbackId) => (await streamsCollection(store).findOne({ playbackId }))?.appId ?? null,
    headTags: async (appId) => {
      const b = publicBranding(await getBranding(s, appId, now()));
      const version = encodeURIComponent(b.updatedAt);
      return [
        `<link rel="stylesheet" href="/v1/branding/${attr(appId)}/theme.css?v=${version}" />`,
        `<meta name="theme-color" content="${attr(b.colors.primary)}" />`,
        ...(b.faviconUrl ? [`<link rel="icon" href="${attr(b.faviconUrl)}" />`] : []),
      ].join('\n    ');
    },
  };
}
