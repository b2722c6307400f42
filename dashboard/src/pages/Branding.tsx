// Branding: colours, fonts, images, player skin and watermark with a live preview of the player page; the CSS
// variables export; custom domains with their DNS TXT verification.
import { useEffect, useState } from 'react';
import { useParams } from 'react-router-dom';
import { api } from '../api/client';
import type { Branding as BrandingT } from '@beamline/sdk';
import { roleAtLeast, useCurrentApp } from '../components/currentApp';
import { useAction, useResource } from '../components/hooks';
import { CopyButton, ErrorBanner, Notice, PageHeader, Spinner } from '../components/ui';
import { BrandedFrame, Watermark } from '../player/BrandedFrame';
import '../player/watch.css';
import { Domains } from './BrandingDomains';

type Draft = Pick<
  BrandingT,
  'colors' | 'fonts' | 'playerSkin' | 'watermarkPosition' | 'supportEmail' | 'emailFooter' | 'socialLinks' | 'guestChat'
>;
const COLOR_LABELS: [keyof BrandingT['colors'], string][] = [
  ['primary', 'Primary'],
  ['secondary', 'Secondary'],
  ['accent', 'Accent'],
  ['background', 'Background'],
  ['text', 'Text'],
];
const SLOTS = [
  {
    slot: 'logo',
    label: 'Logo',
    accept: 'image/png,image/jpeg,image/webp,image/svg+xml',
    hint: 'PNG, JPEG, WebP or SVG, up to 512 KB',
  },
  {
    slot: 'favicon',
    label: 'Favicon',
    accept: 'image/png,image/x-icon,image/svg+xml',
    hint: 'PNG, ICO or SVG, up to 128 KB',
  },
  {
    slot: 'watermark',
    label: 'Watermark',
    accept: 'image/png,image/webp,image/svg+xml',
    hint: 'PNG, WebP or SVG, up to 512 KB',
  },
] as const;

const draftOf = (b: BrandingT): Draft => ({
  colors: { ...b.colors },
  fonts: { ...b.fonts },
  playerSkin: b.playerSkin,
  watermarkPosition: b.watermarkPosition,
  supportEmail: b.supportEmail,
  emailFooter: b.emailFooter,
  socialLinks: b.socialLinks.map((l) => ({ ...l })),
  guestChat: b.guestChat,
});

export default function Branding() {
  const { appId } = useParams() as { appId: string };
  const { app } = useCurrentApp();
  const branding = useResource((signal) => api<BrandingT>(`/v1/apps/${appId}/branding`, { signal }), [appId]);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [saved, setSaved] = useState(false);
  const [css, setCss] = useState<string | null>(null);
  useEffect(() => {
    if (branding.data) setDraft(draftOf(branding.data));
  }, [branding.data]);
  const save = useAction((d: Draft) =>
    api<BrandingT>(`/v1/apps/${appId}/branding`, {
      method: 'PATCH',
      body: { ...d, supportEmail: d.supportEmail?.trim() || null, emailFooter: d.emailFooter?.trim() || null },
    }),
  );
  const upload = useAction((slot: string, file: File) => {
    const form = new FormData();
    form.append('file', file);
    return api<BrandingT>(`/v1/apps/${appId}/branding/${slot}`, { method: 'PUT', form });
  });
  const removeImage = useAction((slot: string) =>
    api<BrandingT>(`/v1/apps/${appId}/branding/${slot}`, { method: 'DELETE' }),
  );
  const exportCss = useAction(() => api<string>(`/v1/apps/${appId}/branding.css`));
  const canEdit = roleAtLeast(app, 'admin');

  if (branding.error && !branding.data) return <ErrorBanner message={branding.error} onRetry={branding.reload} />;
  if (!branding.data || !draft) return <Spinner />;
  const b = branding.data;
  const preview: BrandingT = { ...b, ...draft };
  const set = (patch: Partial<Draft>) => {
    setSaved(false);
    setDraft({ ...draft, ...patch });
  };

  return (
    <div className="page">
      <PageHeader
        title="Branding"
        subtitle="How your player page looks to viewers. Changes show in the preview before you save."
      />
      {!canEdit && <Notice>Only owners and admins can change branding.</Notice>}
      <div className="grid-2">
        <form
          className="stack"
          onSubmit={async (e) => {
            e.preventDefault();
            const result = await save.run(draft);
            if (result) {
              branding.setData(result);
              setSaved(true);
            }
          }}
        >
          <section className="card stack">
            <h2>Colours</h2>
            <div className="color-grid">
              {COLOR_LABELS.map(([key, label]) => (
                <label key={key} className="color-field">
                  <input
                    type="color"
                    disabled={!canEdit}
                    value={draft.colors[key]}
                    onChange={(e) => set({ colors: { ...draft.colors, [key]: e.target.value } })}
                  />
                  <span>
                    {label}
                    <span className="mono small muted"> {draft.colors[key]}</span>
                  </span>
                </label>
              ))}
            </div>
          </section>
          <section className="card stack">
            <h2>Type and player</h2>
            <div className="grid-2">
              <div className="field">
                <label htmlFor="font-heading">Heading font</label>
                <input
                  id="font-heading"
                  disabled={!canEdit}
                  value={draft.fonts.heading}
                  onChange={(e) => set({ fonts: { ...draft.fonts, heading: e.target.value } })}
                />
              </div>
              <div className="field">
                <label htmlFor="font-body">Body font</label>
                <input
                  id="font-body"
                  disabled={!canEdit}
                  value={draft.fonts.body}
                  onChange={(e) => set({ fonts: { ...draft.fonts, body: e.target.value } })}
                />
              </div>
              <div className="field">
                <label htmlFor="player-skin">Player skin</label>
                <select
                  id="player-skin"
                  disabled={!canEdit}
                  value={draft.playerSkin}
                  onChange={(e) => set({ playerSkin: e.target.value as Draft['playerSkin'] })}
                >
                  <option value="default">Default</option>
                  <option value="rounded">Rounded</option>
                  <option value="minimal">Minimal</option>
                </select>
              </div>
              <div className="field">
                <label htmlFor="watermark-position">Watermark position</label>
                <select
                  id="watermark-position"
                  disabled={!canEdit}
                  value={draft.watermarkPosition}
                  onChange={(e) => set({ watermarkPosition: e.target.value as Draft['watermarkPosition'] })}
                >
                  <option value="top-left">Top left</option>
                  <option value="top-right">Top right</option>
                  <option value="bottom-left">Bottom left</option>
                  <option value="bottom-right">Bottom right</option>
                </select>
              </div>
            </div>
            <label className="radio">
              <input
                type="checkbox"
                disabled={!canEdit}
                checked={draft.guestChat}
                onChange={(e) => set({ guestChat: e.target.checked })}
              />
              Let viewers chat on the hosted player page
            </label>
          </section>
          <section className="card stack">
            <h2>Contact</h2>
            <div className="field">
              <label htmlFor="support-email">Support email</label>
              <input
                id="support-email"
                type="email"
                disabled={!canEdit}
                value={draft.supportEmail ?? ''}
                onChange={(e) => set({ supportEmail: e.target.value })}
              />
            </div>
            <div className="field">
              <label htmlFor="email-footer">Email footer</label>
              <textarea
                id="email-footer"
                rows={2}
                maxLength={1000}
                disabled={!canEdit}
                value={draft.emailFooter ?? ''}
                onChange={(e) => set({ emailFooter: e.target.value })}
              />
            </div>
            <SocialLinks
              links={draft.socialLinks}
              disabled={!canEdit}
              onChange={(socialLinks) => set({ socialLinks })}
            />
          </section>
          <ErrorBanner message={save.error} />
          {saved && <Notice kind="success">Branding saved.</Notice>}
          {canEdit && (
            <div className="form-actions">
              <button type="button" className="btn" onClick={() => setDraft(draftOf(b))}>
                Discard changes
              </button>
              <button type="submit" className="btn btn-primary" disabled={save.busy}>
                {save.busy ? 'Saving…' : 'Save branding'}
              </button>
            </div>
          )}
        </form>

        <div className="stack">
          <section className="card stack">
            <h2>Preview</h2>
            <div className="brand-preview" aria-label="Player page preview">
              <BrandedFrame
                branding={preview}
                title="Your stream title"
                status={<span className="pill pill-live">LIVE</span>}
              >
                <div className="watch-layout preview-layout">
                  <div className="stage-frame">
                    <div className="video-frame">
                      <div className="video-overlay offline">Your video plays here</div>
                    </div>
                    <Watermark branding={preview} />
                  </div>
                </div>
              </BrandedFrame>
            </div>
          </section>
          <section className="card stack">
            <h2>Images</h2>
            <ErrorBanner message={upload.error ?? removeImage.error} />
            {SLOTS.map(({ slot, label, accept, hint }) => {
              const url = b[`${slot}Url` as 'logoUrl'];
              return (
                <div key={slot} className="row-between">
                  <div className="row">
                    <div className="image-slot">
                      {url ? <img src={url} alt={`Current ${label.toLowerCase()}`} /> : '—'}
                    </div>
                    <div>
                      <strong>{label}</strong>
                      <p className="hint">{hint}</p>
                    </div>
                  </div>
                  {canEdit && (
                    <div className="row">
                      <label className="btn btn-small">
                        {url ? 'Replace' : 'Upload'}
                        <input
                          type="file"
                          accept={accept}
                          className="visually-hidden"
                          aria-label={`Upload ${label.toLowerCase()}`}
                          onChange={async (e) => {
                            const file = e.target.files?.[0];
                            e.target.value = '';
                            const result = file && (await upload.run(slot, file));
                            if (result) branding.setData(result);
                          }}
                        />
                      </label>
                      {url && (
                        <button
                          type="button"
                          className="btn btn-small btn-danger"
                          onClick={async () => {
                            const result = await removeImage.run(slot);
                            if (result) branding.setData(result);
                          }}
                        >
                          Remove
                        </button>
                      )}
                    </div>
                  )}
                </div>
              );
            })}
          </section>
          <section className="card stack">
            <div className="row-between">
              <h2>CSS variables</h2>
              <button
                type="button"
                className="btn btn-small"
                onClick={async () => {
                  const text = await exportCss.run();
                  if (text !== undefined) setCss(text);
                }}
              >
                Export
              </button>
            </div>
            <p className="hint">
              Use the saved theme on your own site: link <code>/v1/branding/{appId}/theme.css</code> or paste the
              variables.
            </p>
            <ErrorBanner message={exportCss.error} />
            {css && (
              <>
                <pre className="code">{css}</pre>
                <div>
                  <CopyButton value={css} label="Copy CSS" />
                </div>
              </>
            )}
          </section>
          <Domains appId={appId} canEdit={canEdit} />
        </div>
      </div>
    </div>
  );
}

type Network = BrandingT['socialLinks'][number]['network'];

function SocialLinks({
  links,
  disabled,
  onChange,
}: {
  links: BrandingT['socialLinks'];
  disabled: boolean;
  onChange(links: BrandingT['socialLinks']): void;
}) {
  const networks: Network[] = ['website', 'x', 'youtube', 'instagram', 'tiktok', 'twitch', 'discord', 'linkedin'];
  return (
    <fieldset className="field">
      <legend>Social links</legend>
      {links.map((l, i) => (
        <div key={i} className="row social-row">
          <select
            aria-label={`Link ${i + 1} network`}
            disabled={disabled}
            value={l.network}
            onChange={(e) =>
              onChange(links.map((x, j) => (j === i ? { ...x, network: e.target.value as Network } : x)))
            }
          >
            {networks.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
          <input
            aria-label={`Link ${i + 1} URL`}
            type="url"
            required
            disabled={disabled}
            placeholder="https://"
            value={l.url}
            onChange={(e) => onChange(links.map((x, j) => (j === i ? { ...x, url: e.target.value } : x)))}
          />
          <button
            type="button"
            className="icon-btn"
            aria-label={`Remove link ${i + 1}`}
            disabled={disabled}
            onClick={() => onChange(links.filter((_, j) => j !== i))}
          >
            ×
          </button>
        </div>
      ))}
      {!disabled && links.length < 10 && (
        <div>
          <button
            type="button"
            className="btn btn-small"
            onClick={() => onChange([...links, { network: 'website', url: '' }])}
          >
            Add link
          </button>
        </div>
      )}
    </fieldset>
  );
}
