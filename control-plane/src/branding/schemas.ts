// Response schemas of the branding API (they write its part of the OpenAPI document).
import { z } from '@hono/zod-openapi';
import { GUEST_CHAT_MODES } from '@beamline/protocol';
import { ColorsSchema, PLAYER_SKINS, SOCIAL_NETWORKS, WATERMARK_POSITIONS } from './model';

const brandingFields = {
  appId: z.string(),
  colors: ColorsSchema,
  fonts: z.object({ heading: z.string(), body: z.string() }),
  playerSkin: z.enum(PLAYER_SKINS),
  watermarkPosition: z.enum(WATERMARK_POSITIONS),
  supportEmail: z.string().nullable(),
  emailFooter: z.string().nullable(),
  socialLinks: z.array(z.object({ network: z.enum(SOCIAL_NETWORKS), url: z.string() })),
  guestChat: z.boolean(),
  logoUrl: z.string().nullable(),
  faviconUrl: z.string().nullable(),
  watermarkUrl: z.string().nullable(),
  updatedAt: z.string(),
};

export const BrandingSchema = z.object(brandingFields).openapi('Branding');

export const DomainSchema = z
  .object({
    id: z.string(),
    hostname: z.string(),
    status: z.enum(['pending', 'verified']),
    txtRecord: z.object({ name: z.string(), type: z.literal('TXT'), value: z.string() }),
    verifiedAt: z.string().nullable(),
    lastCheckedAt: z.string().nullable(),
    lastError: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('CustomDomain');

export const WatchSchema = z
  .object({
    appId: z.string(),
    stream: z.object({
      id: z.string(),
      name: z.string(),
      playbackId: z.string(),
      playbackPolicy: z.enum(['public', 'signed']),
      status: z.enum(['live', 'offline', 'disabled']),
      viewers: z.number().int(),
      liveStartedAt: z.string().nullable(),
      hlsUrl: z.string().openapi({ description: 'Signed streams need `?token=` from your backend.' }),
    }),
    chat: z.object({
      channelId: z.string(),
      guestAccess: z.boolean().openapi({ description: 'Whether guests get a chat token (guestChat is not off).' }),
      guestChat: z
        .enum(GUEST_CHAT_MODES)
        .openapi({ description: 'chat: guests may write; read: guests may only read; off: no guest chat.' }),
      realtimeUrl: z.string(),
    }),
    branding: BrandingSchema,
  })
  .openapi('WatchPage');

export const GuestTokenSchema = z
  .object({
    token: z.string(),
    userId: z.string(),
    name: z.string(),
    channelId: z.string(),
    guestChat: z
      .enum(GUEST_CHAT_MODES)
      .openapi({ description: 'chat: the guest may write; read: the guest may only read the channel.' }),
    realtimeUrl: z.string(),
    expiresAt: z.string(),
  })
  .openapi('GuestChatToken');
