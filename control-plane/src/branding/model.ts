// An app's branding: the document, its defaults, and the theme it turns into (CSS variables).
import { z } from '@hono/zod-openapi';

export const ASSET_SLOTS = ['logo', 'favicon', 'watermark'] as const;
export type AssetSlot = (typeof ASSET_SLOTS)[number];

export const WATERMARK_POSITIONS = ['top-left', 'top-right', 'bottom-left', 'bottom-right'] as const;
export const PLAYER_SKINS = ['default', 'minimal', 'rounded'] as const;
export const SOCIAL_NETWORKS = [
  'website',
  'x',
  'youtube',
  'instagram',
  'tiktok',
  'twitch',
  'discord',
  'linkedin',
] as const;

const hex = z
  .string()
  .regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour like #4f46e5')
  .transform((v) => v.toLowerCase());
/** Font family names only: letters, digits, spaces, hyphens, so the value is safe inside CSS. */
const fontFamily = z
  .string()
  .trim()
  .min(1)
  .max(60)
  .regex(/^[A-Za-z0-9 -]+$/, 'letters, digits, spaces and hyphens only');
const httpsUrl = z
  .url()
  .max(500)
  .refine((u) => /^https?:\/\//i.test(u), 'must be an http(s) URL');

export const ColorsSchema = z
  .strictObject({
    primary: hex,
    secondary: hex,
    accent: hex,
    background: hex,
    text: hex,
  })
  .openapi('BrandingColors');

export const BrandingUpdateSchema = z
  .strictObject({
    colors: ColorsSchema.partial().optional(),
    fonts: z.strictObject({ heading: fontFamily, body: fontFamily }).partial().optional(),
    playerSkin: z.enum(PLAYER_SKINS).optional(),
    watermarkPosition: z.enum(WATERMARK_POSITIONS).optional(),
    supportEmail: z.email().max(254).nullable().optional(),
    emailFooter: z.string().trim().max(1000).nullable().optional(),
    socialLinks: z
      .array(z.strictObject({ network: z.enum(SOCIAL_NETWORKS), url: httpsUrl }))
      .max(10)
      .optional(),
    guestChat: z.boolean().optional().openapi({ description: 'Whether viewers of the hosted player page may chat.' }),
  })
  .openapi('BrandingUpdate');
export type BrandingUpdate = z.infer<typeof BrandingUpdateSchema>;

export interface StoredAsset {
  key: string;
  contentType: string;
  size: number;
  uploadedAt: string;
}

export interface BrandingDoc {
  id: string;
  appId: string;
  colors: z.infer<typeof ColorsSchema>;
  fonts: { heading: string; body: string };
  playerSkin: (typeof PLAYER_SKINS)[number];
  watermarkPosition: (typeof WATERMARK_POSITIONS)[number];
  supportEmail: string | null;
  emailFooter: string | null;
  socialLinks: { network: (typeof SOCIAL_NETWORKS)[number]; url: string }[];
  guestChat: boolean;
  assets: Partial<Record<AssetSlot, StoredAsset>>;
  updatedAt: string;
}

export const DEFAULT_BRANDING: Omit<BrandingDoc, 'id' | 'appId' | 'updatedAt'> = {
  colors: { primary: '#4f46e5', secondary: '#0ea5e9', accent: '#f59e0b', background: '#0b0b0f', text: '#f4f4f5' },
  fonts: { heading: 'Inter', body: 'Inter' },
  playerSkin: 'default',
  watermarkPosition: 'bottom-right',
  supportEmail: null,
  emailFooter: null,
  socialLinks: [],
  guestChat: true,
  assets: {},
};

export const assetUrl = (appId: string, asset: StoredAsset | undefined) =>
  asset ? `/v1/branding/${appId}/assets/${asset.key.split('/').pop()}` : null;

/** The branding as the API shows it: asset records become URLs. */
export function publicBranding(doc: BrandingDoc) {
  return {
    appId: doc.appId,
    colors: doc.colors,
    fonts: doc.fonts,
    playerSkin: doc.playerSkin,
    watermarkPosition: doc.watermarkPosition,
    supportEmail: doc.supportEmail,
    emailFooter: doc.emailFooter,
    socialLinks: doc.socialLinks,
    guestChat: doc.guestChat,
    logoUrl: assetUrl(doc.appId, doc.assets.logo),
    faviconUrl: assetUrl(doc.appId, doc.assets.favicon),
    watermarkUrl: assetUrl(doc.appId, doc.assets.watermark),
    updatedAt: doc.updatedAt,
  };
}
export type PublicBranding = ReturnType<typeof publicBranding>;

const cssString = (s: string) => `"${s.replace(/["\\\n\r]/g, '')}"`;

/** The theme as CSS custom properties, for a player page or the developer's own site. */
export function brandingCss(doc: BrandingDoc): string {
  const b = publicBranding(doc);
  const lines = [
    `--bl-primary: ${b.colors.primary};`,
    `--bl-secondary: ${b.colors.secondary};`,
    `--bl-accent: ${b.colors.accent};`,
    `--bl-background: ${b.colors.background};`,
    `--bl-text: ${b.colors.text};`,
    `--bl-font-heading: ${cssString(b.fonts.heading)}, system-ui, sans-serif;`,
    `--bl-font: ${cssString(b.fonts.body)}, system-ui, sans-serif;`,
    `--bl-player-skin: ${b.playerSkin};`,
    `--bl-watermark-position: ${b.watermarkPosition};`,
    ...(b.logoUrl ? [`--bl-logo: url(${cssString(b.logoUrl)});`] : []),
    ...(b.watermarkUrl ? [`--bl-watermark: url(${cssString(b.watermarkUrl)});`] : []),
  ];
  return `/* Beamline branding of ${doc.appId} */\n:root {\n  ${lines.join('\n  ')}\n}\n`;
}
