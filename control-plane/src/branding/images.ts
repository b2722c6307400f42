// Checks an uploaded image by its bytes, not its name or declared type, against what each slot accepts.
import { Invalid } from '../errors';
import type { AssetSlot } from './model';

export interface ImageKind {
  contentType: string;
  ext: string;
}

const PNG: ImageKind = { contentType: 'image/png', ext: 'png' };
const JPEG: ImageKind = { contentType: 'image/jpeg', ext: 'jpg' };
const WEBP: ImageKind = { contentType: 'image/webp', ext: 'webp' };
const SVG: ImageKind = { contentType: 'image/svg+xml', ext: 'svg' };
const ICO: ImageKind = { contentType: 'image/x-icon', ext: 'ico' };

export const SLOT_RULES: Record<AssetSlot, { maxBytes: number; kinds: ImageKind[] }> = {
  logo: { maxBytes: 512 * 1024, kinds: [PNG, JPEG, WEBP, SVG] },
  favicon: { maxBytes: 128 * 1024, kinds: [PNG, ICO, SVG] },
  watermark: { maxBytes: 512 * 1024, kinds: [PNG, WEBP, SVG] },
};

export function sniffImage(bytes: Uint8Array): ImageKind | null {
  const b = (i: number) => bytes[i];
  if (b(0) === 0x89 && b(1) === 0x50 && b(2) === 0x4e && b(3) === 0x47) return PNG;
  if (b(0) === 0xff && b(1) === 0xd8 && b(2) === 0xff) return JPEG;
  if (
    String.fromCharCode(...bytes.subarray(0, 4)) === 'RIFF' &&
    String.fromCharCode(...bytes.subarray(8, 12)) === 'WEBP'
  )
    return WEBP;
  if (b(0) === 0 && b(1) === 0 && b(2) === 1 && b(3) === 0) return ICO;
  const head = Buffer.from(bytes.subarray(0, 512)).toString('utf8').trimStart();
  if (/^(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*(<!DOCTYPE svg[^>]*>\s*)?<svg[\s>]/i.test(head)) return SVG;
  return null;
}

/** The image's kind if the slot accepts it; else a 400 naming what is accepted. */
export function checkImage(slot: AssetSlot, bytes: Uint8Array): ImageKind {
  const rule = SLOT_RULES[slot];
  const accepted = rule.kinds.map((k) => k.ext.toUpperCase()).join(', ');
  if (bytes.length === 0) throw Invalid('file_empty', 'The uploaded file is empty.');
  if (bytes.length > rule.maxBytes) {
    throw Invalid(
      'file_too_large',
      `A ${slot} may be at most ${rule.maxBytes / 1024} KB; this file is ${Math.ceil(bytes.length / 1024)} KB.`,
      {
        maxBytes: rule.maxBytes,
        size: bytes.length,
      },
    );
  }
  const kind = sniffImage(bytes);
  if (!kind || !rule.kinds.includes(kind)) {
    throw Invalid('unsupported_file_type', `A ${slot} must be one of: ${accepted}.`, {
      accepted: rule.kinds.map((k) => k.contentType),
    });
  }
  return kind;
}
