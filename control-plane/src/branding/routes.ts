// HTTP transport of branding: theme and images, CSS variables, custom domains, the player page's public API.
import { appsCollection, brandingCollection } from '@beamline/core';
import { OpenAPIHono, z } from '@hono/zod-openapi';
import { join } from 'node:path';
import type { ControlPlaneDeps } from '../deps';
import { Invalid } from '../errors';
import { appCtxOf } from '../http/auth';
import type { HttpEnv } from '../http/env';
import { appRoute, json, ok, publicRoute } from '../http/route';
import { AppIdParams, ErrorSchema, idParam, text } from '../http/schemas';
import { NotFound } from '../errors';
import { getBranding, readAsset, removeAsset, updateBranding, uploadAsset, type BrandingServices } from './branding';
import {
  addDomain,
  domainsCollection,
  listDomains,
  publicDomain,
  removeDomain,
  systemTxtResolver,
  verifyDomain,
  type TxtResolver,
} from './domains';
import { SLOT_RULES } from './images';
import { ASSET_SLOTS, BrandingUpdateSchema, brandingCss, publicBranding, type BrandingDoc } from './model';
import { FileAssetStorage, type AssetStorage } from './storage';
import { guestIdentities } from './guests';
import { guestChatToken, watchInfo } from './watch';
import { BrandingSchema, DomainSchema, WatchSchema, GuestTokenSchema } from './schemas';

export interface BrandingOptions {
  storage?: AssetStorage;
  resolveTxt?: TxtResolver;
}

const tags = ['Branding'];
const SlotParams = AppIdParams.extend({
  slot: z.enum(ASSET_SLOTS).openapi({ param: { name: 'slot', in: 'path' } }),
});
const DomainParams = AppIdParams.extend({ domainId: idParam('domainId', 'dom') });
const PlaybackParams = z.object({ playbackId: idParam('playbackId', 'pb') });
const AssetParams = AppIdParams.extend({
  file: z
    .string()
    .regex(/^[a-z]+-[0-9a-f]{20}\.[a-z]{3,4}$/)
    .openapi({ param: { name: 'file', in: 'path' } }),
});

export function brandingServices(deps: ControlPlaneDeps, opts: BrandingOptions = {}): BrandingServices {
  return {
    branding: brandingCollection<BrandingDoc>(deps.store),
    storage: opts.storage ?? new FileAssetStorage(join(deps.config.DATA_DIR, 'branding')),
  };
}

export function brandingRoutes(deps: ControlPlaneDeps, opts: BrandingOptions = {}) {
  const app = new OpenAPIHono<HttpEnv>();
  const s = brandingServices(deps, opts);
  const domains = domainsCollection(deps.store);
  const resolveTxt = opts.resolveTxt ?? systemTxtResolver;
  const now = () => deps.clock.now();
  const appExists = async (appId: string) => {
    if (!(await appsCollection(deps.store).findOne({ id: appId }))) throw NotFound('app_not_found', `No app ${appId}.`);
  };

  app.openapi(
    appRoute('branding.read', {
      method: 'get',
      path: '/v1/apps/{appId}/branding',
      operationId: 'getBranding',
      summary: "The app's branding (defaults until saved)",
      tags,
      request: { params: AppIdParams },
      responses: { 200: ok('Branding', BrandingSchema) },
    }),
    async (c) => c.json(publicBranding(await getBranding(s, appCtxOf(c).appId, now())), 200),
  );

  app.openapi(
    appRoute('branding.write', {
      method: 'patch',
      path: '/v1/apps/{appId}/branding',
      operationId: 'updateBranding',
      summary: 'Change colours, fonts, player skin, watermark position, contact and social links',
      tags,
      request: { params: AppIdParams, body: json(BrandingUpdateSchema) },
      responses: { 200: ok('Branding', BrandingSchema) },
    }),
    async (c) => c.json(publicBranding(await updateBranding(appCtxOf(c), s, c.req.valid('json'))), 200),
  );

  app.openapi(
    appRoute('branding.write', {
      method: 'put',
      path: '/v1/apps/{appId}/branding/{slot}',
      operationId: 'uploadBrandingImage',
      summary: 'Upload the logo, favicon or watermark (multipart field "file")',
      description: Object.entries(SLOT_RULES)
        .map(
          ([slot, r]) => `${slot}: ${r.kinds.map((k) => k.ext.toUpperCase()).join('/')} up to ${r.maxBytes / 1024} KB`,
        )
        .join('; '),
      tags,
      request: {
        params: SlotParams,
        body: {
          required: true,
          content: {
            'multipart/form-data': {
              schema: z.object({ file: z.any().openapi({ type: 'string', format: 'binary' }) }),
            },
          },
        },
      },
      responses: { 200: ok('Branding', BrandingSchema) },
    }),
    async (c) => {
      const type = c.req.header('content-type') ?? '';
      if (!type.startsWith('multipart/form-data'))
        throw Invalid('multipart_required', 'Send the image as multipart/form-data in a field named "file".');
      const body = await c.req.parseBody().catch(() => {
        throw Invalid('invalid_multipart', 'The multipart body could not be read.');
      });
      const file = body.file;
      if (!(file instanceof File)) throw Invalid('file_missing', 'Send the image in a form field named "file".');
      const bytes = new Uint8Array(await file.arrayBuffer());
      const doc = await uploadAsset(appCtxOf(c), s, c.req.valid('param').slot, bytes);
      return c.json(publicBranding(doc), 200);
    },
  );

  app.openapi(
    appRoute('branding.write', {
      method: 'delete',
      path: '/v1/apps/{appId}/branding/{slot}',
      operationId: 'removeBrandingImage',
      summary: 'Remove the logo, favicon or watermark',
      tags,
      request: { params: SlotParams },
      responses: { 200: ok('Branding', BrandingSchema) },
    }),
    async (c) => c.json(publicBranding(await removeAsset(appCtxOf(c), s, c.req.valid('param').slot)), 200),
  );

  app.openapi(
    publicRoute({
      method: 'get',
      path: '/v1/branding/{appId}/assets/{file}',
      operationId: 'getBrandingImage',
      summary: 'An uploaded branding image (public; its URL changes with its content)',
      tags,
      request: { params: AssetParams },
      responses: { 200: { description: 'The image', content: { 'image/*': { schema: z.any() } } } },
    }),
    async (c) => {
      const { appId, file } = c.req.valid('param');
      const asset = await readAsset(s, appId, file);
      return c.body(new Uint8Array(asset.body), 200, {
        'content-type': asset.contentType,
        'cache-control': 'public, max-age=31536000, immutable',
        // SVGs may carry scripts: never run them, even when the image is opened directly.
        'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; sandbox",
        'x-content-type-options': 'nosniff',
      });
    },
  );

  const cssResponse = async (appId: string) =>
    new Response(brandingCss(await getBranding(s, appId, now())), {
      headers: { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'public, max-age=60' },
    });

  app.openapi(
    appRoute('branding.read', {
      method: 'get',
      path: '/v1/apps/{appId}/branding.css',
      operationId: 'exportBrandingCss',
      summary: "The app's theme as CSS variables, to use on your own site",
      tags,
      request: { params: AppIdParams },
      responses: { 200: { description: 'A stylesheet', content: { 'text/css': { schema: z.string() } } } },
    }),
    async (c) => cssResponse(appCtxOf(c).appId),
  );

  app.openapi(
    publicRoute({
      method: 'get',
      path: '/v1/branding/{appId}/theme.css',
      operationId: 'getPublicBrandingCss',
      summary: "The app's theme as CSS variables, public: player pages link it",
      tags,
      request: { params: AppIdParams },
      responses: { 200: { description: 'A stylesheet', content: { 'text/css': { schema: z.string() } } } },
    }),
    async (c) => {
      const { appId } = c.req.valid('param');
      await appExists(appId);
      return cssResponse(appId);
    },
  );

  app.openapi(
    appRoute('branding.read', {
      method: 'get',
      path: '/v1/apps/{appId}/domains',
      operationId: 'listDomains',
      summary: 'Custom domains of the player page',
      tags,
      request: { params: AppIdParams },
      responses: { 200: ok('Domains', z.object({ data: z.array(DomainSchema), nextCursor: z.null() })) },
    }),
    async (c) => c.json({ data: (await listDomains(appCtxOf(c), domains)).map(publicDomain), nextCursor: null }, 200),
  );

  app.openapi(
    appRoute('branding.write', {
      method: 'post',
      path: '/v1/apps/{appId}/domains',
      operationId: 'addDomain',
      summary: 'Add a custom domain; publish the returned TXT record, then verify',
      tags,
      request: { params: AppIdParams, body: json(z.strictObject({ hostname: text(253) })) },
      responses: { 201: ok('The domain, pending verification', DomainSchema) },
    }),
    async (c) => {
      const doc = await addDomain(appCtxOf(c), domains, c.req.valid('json').hostname);
      c.set('auditTarget', doc.id);
      return c.json(publicDomain(doc), 201);
    },
  );

  app.openapi(
    appRoute('branding.write', {
      method: 'post',
      path: '/v1/apps/{appId}/domains/{domainId}/verify',
      operationId: 'verifyDomain',
      summary: 'Look the TXT record up in DNS now',
      description: 'Answers 200 either way: `status` says whether it is verified, `lastError` what was found instead.',
      tags,
      request: { params: DomainParams },
      responses: { 200: ok('The domain', DomainSchema) },
    }),
    async (c) => {
      const doc = await verifyDomain(appCtxOf(c), domains, resolveTxt, c.req.valid('param').domainId);
      return c.json(publicDomain(doc), 200);
    },
  );

  app.openapi(
    appRoute('branding.write', {
      method: 'delete',
      path: '/v1/apps/{appId}/domains/{domainId}',
      operationId: 'removeDomain',
      summary: 'Remove a custom domain',
      tags,
      request: { params: DomainParams },
      responses: { 204: { description: 'Removed' } },
    }),
    async (c) => {
      await removeDomain(appCtxOf(c), domains, c.req.valid('param').domainId);
      return c.body(null, 204);
    },
  );

  const guests = guestIdentities(deps);
  const tokenQuery = z.object({
    token: z
      .string()
      .max(4096)
      .optional()
      .openapi({
        param: { name: 'token', in: 'query' },
        description: 'A playback token of the stream; required when its playback policy is signed.',
      }),
  });
  const signedRefusal = {
    403: ok(
      'A signed stream without a valid playback token (`playback_token_required`, `playback_token_invalid`); ' +
        'the body says nothing about the stream',
      ErrorSchema,
    ),
  };

  app.openapi(
    publicRoute({
      method: 'get',
      path: '/v1/watch/{playbackId}',
      operationId: 'getWatchPage',
      summary: "What the hosted player page shows for a playback id: stream state, HLS URL, chat, the app's branding",
      description: 'A signed stream is described only to a caller with a valid playback token for it (`?token=`).',
      tags: ['Player page'],
      request: { params: PlaybackParams, query: tokenQuery },
      responses: { 200: ok('The player page', WatchSchema), ...signedRefusal },
    }),
    async (c) => {
      const input = { playbackId: c.req.valid('param').playbackId, token: c.req.valid('query').token };
      return c.json(await watchInfo(deps, s, input, now()), 200, { 'cache-control': 'no-store' });
    },
  );

  app.openapi(
    publicRoute({
      method: 'post',
      path: '/v1/watch/{playbackId}/chat-token',
      operationId: 'createGuestChatToken',
      summary: "A guest's chat token for the hosted player page (when the stream lets guests chat or read)",
      description:
        'The guest is this browser: its identity lives in a signed, HttpOnly cookie the first call sets, so every ' +
        'tab and reload is the same guest (and a ban holds). New guests are rate-limited per address and stream ' +
        '(429 `guest_identity_rate_limited`). A signed stream needs its playback token (`playbackToken`, or the ' +
        '`X-Playback-Token` header). `guestChat` says whether the guest may write (`chat`) or only read (`read`).',
      tags: ['Player page'],
      request: {
        params: PlaybackParams,
        body: json(
          z.strictObject({
            name: text(40),
            playbackToken: z.string().min(1).max(4096).optional(),
          }),
        ),
      },
      responses: {
        201: ok('A user token for realtime', GuestTokenSchema),
        ...signedRefusal,
        429: ok('Too many new guests from this address or on this stream', ErrorSchema),
      },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const result = await guestChatToken(
        deps,
        c.get('repos'),
        s,
        {
          playbackId: c.req.valid('param').playbackId,
          name: body.name,
          playbackToken: body.playbackToken ?? c.req.header('x-playback-token'),
          identify: (stream) => guests.guestFor(c, stream.appId, stream.id),
        },
        now(),
      );
      return c.json(result, 201, { 'cache-control': 'no-store' });
    },
  );

  return app;
}
