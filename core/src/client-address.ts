// The client's address behind reverse proxies: the right-most X-Forwarded-For hop that no trusted proxy added.
// Shared by the control plane and the media edge (TRUST_PROXY).
import ipaddr from 'ipaddr.js';
import { z } from 'zod';

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

/**
 * TRUST_PROXY, parsed: `false` reads only the socket; `hops` trusts that many proxies in front of the
 * service (each appended one X-Forwarded-For entry); `ranges` trusts proxies by their address.
 */
export type ProxyTrust = false | { hops: number } | { ranges: Range[] };

/** Names for common proxy networks, as CIDR lists. */
const NAMED: Record<string, string[]> = {
  loopback: ['127.0.0.0/8', '::1/128'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
  uniquelocal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
};

const MAX_HOPS = 10;

/** A plain address (IPv4-mapped IPv6 as IPv4), without a port; null when it is no IP address. */
function parseAddress(value: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  let text = value.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(text);
  if (bracketed) text = bracketed[1]!;
  else if (/^[\d.]+:\d+$/.test(text)) text = text.slice(0, text.lastIndexOf(':'));
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) return ipaddr.IPv4.parse(text);
  if (ipaddr.IPv6.isValid(text)) return ipaddr.process(text);
  return null;
}

function parseRange(entry: string): Range[] | null {
  const named = NAMED[entry.toLowerCase()];
  if (named) return named.map((cidr) => ipaddr.parseCIDR(cidr));
  if (entry.includes('/')) {
    try {
      return [ipaddr.parseCIDR(entry)];
    } catch {
      return null;
    }
  }
  const addr = parseAddress(entry);
  return addr ? [[addr, addr.kind() === 'ipv4' ? 32 : 128]] : null;
}

/**
 * `false`/`0` (off), `true` (one proxy), a number of proxies, or a comma-separated list of trusted proxy
 * addresses, CIDR ranges and the names loopback, linklocal, uniquelocal. A string is the problem with `value`.
 */
export function parseProxyTrust(value: string): ProxyTrust | string {
  const v = value.trim().toLowerCase();
  if (v === '' || v === 'false' || v === '0') return false;
  if (v === 'true') return { hops: 1 };
  if (/^\d+$/.test(v)) {
    const hops = Number(v);
    return hops <= MAX_HOPS ? { hops } : `at most ${MAX_HOPS} proxies`;
  }
  const ranges: Range[] = [];
  for (const entry of value
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const parsed = parseRange(entry);
    if (!parsed)
      return `not an address, CIDR range or known name (loopback, linklocal, uniquelocal): ${entry.slice(0, 60)}`;
    ranges.push(...parsed);
  }
  return ranges.length ? { ranges } : 'give true, a number of proxies, or trusted proxy addresses';
}

const trusted = (addr: ipaddr.IPv4 | ipaddr.IPv6 | null, ranges: Range[]) =>
  addr !== null && ranges.some(([net, bits]) => net.kind() === addr.kind() && addr.match(net, bits));

/** An address as the rest of the service keys it (rate limits, audit log): canonical when it is an IP. */
const canonical = (value: string | undefined) => {
  if (!value) return 'unknown';
  return parseAddress(value)?.toString() ?? value.trim().slice(0, 100);
};

/**
 * The client's address: the socket's peer, or, behind trusted proxies, the X-Forwarded-For entry the
 * outermost trusted proxy added. Entries further left were sent by the client and prove nothing.
 */
export function clientAddress(peer: string | undefined, forwardedFor: string | undefined, trust: ProxyTrust): string {
  if (!trust || !forwardedFor) return canonical(peer);
  const hops = forwardedFor
    .split(',')
    .map((h) => h.trim())
    .filter(Boolean);
  if (hops.length === 0) return canonical(peer);
  if ('hops' in trust) return canonical(hops[Math.max(0, hops.length - trust.hops)]);
  // Walk from the socket leftwards while the address in hand belongs to a trusted proxy.
  let current = peer;
  for (let i = hops.length - 1; i >= 0 && trusted(current ? parseAddress(current) : null, trust.ranges); i--)
    current = hops[i];
  return canonical(current);
}

/** TRUST_PROXY as a configuration variable: false by default; a bad value stops start-up with its problem. */
export const proxyTrustVar = z
  .string()
  .default('false')
  .transform((value, ctx) => {
    const trust = parseProxyTrust(value);
    if (typeof trust !== 'string') return trust;
    ctx.addIssue({ code: 'custom', message: trust });
    return z.NEVER;
  });
