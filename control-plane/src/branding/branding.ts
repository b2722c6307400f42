// Branding verbs: read (with defaults), update, upload and remove images, and look-ups for the player page.
import { createHash } from 'node:crypto';
import { tenantCollection, type Collection, type TenantCollection } from '@beamline/core';
import type { AppCtx } from '../context';
import { NotFound } from '../errors';
import { checkImage } from './images';
import { DEFAULT_BRANDING, type AssetSlot, type BrandingDoc, type BrandingUpdate } from './model';
import type { AssetStorage } from './storage';

export interface BrandingServices {
  branding: Collection<BrandingDoc>;
  storage: AssetStorage;
}

const forApp = (s: BrandingServices, appId: string): TenantCollection<BrandingDoc> =>
  tenantCollection(s.branding, appId);

function defaults(appId: string, now: Date): BrandingDoc {
  return { id: `brd_${appId}`, appId, ...structuredClone(DEFAULT_BRANDING), updatedAt: now.toISOString() };
}

/** The app's branding; an app that never saved any gets the defaults. */
export async function getBranding(s: BrandingServices, appId: string, now: Date): Promise<BrandingDoc> {
  return (await forApp(s, appId).findOne({})) ?? defaults(appId, now);
}

export async function updateBranding(ctx: AppCtx, s: BrandingServices, input: BrandingUpdate): Promise<BrandingDoc> {
  const current = await getBranding(s, ctx.appId, ctx.clock.now());
  const set: Partial<BrandingDoc> = {
    colors: { ...current.colors, ...input.colors },
    fonts: { ...current.fonts, ...input.fonts },
    updatedAt: ctx.clock.now().toISOString(),
  };
  if (input.playerSkin !== undefined) set.playerSkin = input.playerSkin;
  if (input.watermarkPosition !== undefined) set.watermarkPosition = input.watermarkPosition;
  if (input.supportEmail !== undefined) set.supportEmail = input.supportEmail;
  if (input.emailFooter !== undefined) set.emailFooter = input.emailFooter || null;
  if (input.socialLinks !== undefined) set.socialLinks = input.socialLinks;
  if (input.guestChat !== undefined) set.guestChat = input.guestChat;
  return forApp(s, ctx.appId).upsert({}, { set }, { ...current, ...set });
}

/** Stores an image under a content-addressed key (so its URL can be cached for ever) and drops the old one. */
export async function uploadAsset(
  ctx: AppCtx,
  s: BrandingServices,
  slot: AssetSlot,
  bytes: Uint8Array,
): Promise<BrandingDoc> {
  const kind = checkImage(slot, bytes);
  const digest = createHash('sha256').update(bytes).digest('hex').slice(0, 20);
  const key = `${ctx.appId}/${slot}-${digest}.${kind.ext}`;
  await s.storage.put(key, bytes);
  const current = await getBranding(s, ctx.appId, ctx.clock.now());
  const previous = current.assets[slot];
  const assets = {
    ...current.assets,
    [slot]: { key, contentType: kind.contentType, size: bytes.length, uploadedAt: ctx.clock.now().toISOString() },
  };
  const doc = await forApp(s, ctx.appId).upsert(
    {},
    { set: { assets, updatedAt: ctx.clock.now().toISOString() } },
    { ...current, assets },
  );
  if (previous && previous.key !== key) await s.storage.delete(previous.key).catch(() => {});
  return doc;
}

export async function removeAsset(ctx: AppCtx, s: BrandingServices, slot: AssetSlot): Promise<BrandingDoc> {
  const current = await getBranding(s, ctx.appId, ctx.clock.now());
  const previous = current.assets[slot];
  if (!previous) throw NotFound('asset_not_found', `This app has no ${slot}.`);
  const assets = { ...current.assets };
  delete assets[slot];
  const doc = await forApp(s, ctx.appId).upsert(
    {},
    { set: { assets, updatedAt: ctx.clock.now().toISOString() } },
    { ...current, assets },
  );
  await s.storage.delete(previous.key).catch(() => {});
  return doc;
}

/** An uploaded image by its file name, only if it is the app's current one. */
export async function readAsset(s: BrandingServices, appId: string, file: string) {
  const doc = await forApp(s, appId).findOne({});
  const asset = Object.values(doc?.assets ?? {}).find((a) => a?.key === `${appId}/${file}`);
  const body = asset ? await s.storage.get(asset.key) : null;
  if (!asset || !body) throw NotFound('asset_not_found', 'No such branding image.');
  return { body, contentType: asset.contentType };
}
