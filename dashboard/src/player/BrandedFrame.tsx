// The player page's frame in an app's branding: colours and fonts as CSS variables, logo, skin, watermark.
import type { CSSProperties, ReactNode } from 'react';
import type { Branding } from '@beamline/sdk';

export function brandingStyle(b: Branding): CSSProperties {
  return {
    '--bl-primary': b.colors.primary,
    '--bl-secondary': b.colors.secondary,
    '--bl-accent': b.colors.accent,
    '--bl-background': b.colors.background,
    '--bl-text': b.colors.text,
    '--bl-font': `"${b.fonts.body}", system-ui, sans-serif`,
    '--bl-font-heading': `"${b.fonts.heading}", system-ui, sans-serif`,
  } as CSSProperties;
}

export function BrandedFrame({
  branding,
  title,
  status,
  children,
  className,
}: {
  branding: Branding;
  title: ReactNode;
  status?: ReactNode;
  children: ReactNode;
  className?: string;
}) {
  return (
    <div className={`watch skin-${branding.playerSkin} ${className ?? ''}`} style={brandingStyle(branding)}>
      <header className="watch-header">
        {branding.logoUrl ? <img className="watch-logo" src={branding.logoUrl} alt="" /> : null}
        <h1 className="watch-title">{title}</h1>
        {status}
      </header>
      {children}
      {(branding.socialLinks.length > 0 || branding.supportEmail) && (
        <footer className="watch-footer">
          {branding.socialLinks.map((l) => (
            <a key={l.url} href={l.url} target="_blank" rel="noreferrer noopener">
              {l.network}
            </a>
          ))}
          {branding.supportEmail && <a href={`mailto:${branding.supportEmail}`}>Support</a>}
        </footer>
      )}
    </div>
  );
}

export function Watermark({ branding }: { branding: Branding }) {
  if (!branding.watermarkUrl) return null;
  return <img className={`watermark watermark-${branding.watermarkPosition}`} src={branding.watermarkUrl} alt="" />;
}
