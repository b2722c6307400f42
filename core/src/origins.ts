// Browser origins: parsing an allowed-origin entry and matching an Origin header against a list (control plane CORS, realtime handshake).

/**
 * An entry is an exact origin (`https://shop.example.com`, `http://localhost:3000`) or a
 * subdomain wildcard (`https://*.example.com`, which does not match example.com itself).
 * Returns the normalised entry, or null when it is not an origin (paths, queries, other schemes).
 */
export function normaliseOriginEntry(entry: string): string | null {
  const raw = entry.trim().replace(/\/$/, '');
  const wildcard = /^(https?):\/\/\*\.(.+)$/i.exec(raw);
  const candidate = wildcard ? `${wildcard[1]}://wildcard.${wildcard[2]}` : raw;
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (url.origin.toLowerCase() !== candidate.toLowerCase()) return null; // a path, query, user or fragment
  return wildcard ? url.origin.replace('://wildcard.', '://*.') : url.origin;
}

export function originAllowed(origin: string, allowed: readonly string[]): boolean {
  const o = origin.toLowerCase();
  for (const entry of allowed) {
    const e = entry.toLowerCase();
    if (e === o) return true;
    const star = e.indexOf('://*.');
    if (star > 0) {
      const scheme = e.slice(0, star + 3);
      const suffix = e.slice(star + 4); // ".example.com[:port]"
      if (o.startsWith(scheme) && o.endsWith(suffix) && o.length > scheme.length + suffix.length) return true;
    }
  }
  return false;
}
