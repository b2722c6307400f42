// The SSRF guard for every outbound connection a tenant chooses (webhooks, restream targets): only public
// addresses, unless the operator allows a host. Checked when the destination is saved and again right before
// connecting (DNS may change), after resolving DNS, on every address the name has.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { z } from 'zod';

export type ResolveAll = (hostname: string) => Promise<string[]>;

/** What a destination is for: it decides the URL schemes, the error codes and the operator's variable. */
export type DestinationKind = 'webhook' | 'restream';

export interface DestinationPolicy {
  /** Webhooks unless said otherwise. */
  kind?: DestinationKind;
  /** Webhooks: https only when true (production mode). */
  httpsOnly?: boolean;
  /**
   * Host names, IP addresses and CIDR ranges exempt from the address check (WEBHOOK_ALLOWED_HOSTS,
   * RESTREAM_ALLOWED_HOSTS).
   */
  allowedHosts: readonly string[];
  /** DNS resolution; tests inject their own answers. */
  resolve?: ResolveAll;
}

export type DestinationRefusal = 'url_invalid' | 'url_not_allowed' | 'host_unresolvable';
export type DestinationCode = `${DestinationKind}_${DestinationRefusal}`;

interface KindRules {
  schemes: readonly string[];
  noun: string;
  variable: string;
  /** Whether a refusal may name the address a host resolved to (restream errors are shown without it). */
  showsAddress: boolean;
}

const KINDS: Record<DestinationKind, KindRules> = {
  webhook: { schemes: ['https:', 'http:'], noun: 'webhooks', variable: 'WEBHOOK_ALLOWED_HOSTS', showsAddress: true },
  restream: {
    schemes: ['rtmp:', 'rtmps:'],
    noun: 'restream targets',
    variable: 'RESTREAM_ALLOWED_HOSTS',
    showsAddress: false,
  },
};

export class DestinationRefused extends Error {
  readonly code: DestinationCode;
  constructor(
    readonly kind: DestinationKind,
    readonly reason: DestinationRefusal,
    message: string,
    /** The refused address, for the operator's log (never in a restream's message). */
    readonly address?: string,
  ) {
    super(message);
    this.name = 'DestinationRefused';
    this.code = `${kind}_${reason}`;
  }
}

export const systemResolve: ResolveAll = (hostname) =>
  new Promise((resolve, reject) =>
    dnsLookup(hostname, { all: true, verbatim: true }, (err, addresses: LookupAddress[]) =>
      err ? reject(err) : resolve(addresses.map((a) => a.address)),
    ),
  );

type Parsed = ipaddr.IPv4 | ipaddr.IPv6;

const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR('2000::/3') as [ipaddr.IPv6, number];
const NAT64_WELL_KNOWN = ipaddr.parseCIDR('64:ff9b::/96') as [ipaddr.IPv6, number];

function lastIPv4(addr: ipaddr.IPv6): ipaddr.IPv4 {
  const bytes = addr.toByteArray();
  return new ipaddr.IPv4(bytes.slice(12, 16));
}

/**
 * Only global unicast addresses are public. IPv6 that carries an IPv4 address is judged as that IPv4
 * (IPv4-mapped, NAT64 64:ff9b::/96); every other IPv6 outside 2000::/3 is refused, which covers
 * IPv4-compatible `::a.b.c.d`, and ipaddr's special ranges inside it (6to4, Teredo, documentation) are refused.
 */
export function isPublicAddress(addr: Parsed): boolean {
  if (addr.kind() === 'ipv4') return addr.range() === 'unicast';
  const v6 = addr as ipaddr.IPv6;
  if (v6.isIPv4MappedAddress()) return isPublicAddress(v6.toIPv4Address());
  if (v6.match(NAT64_WELL_KNOWN)) return isPublicAddress(lastIPv4(v6));
  return v6.range() === 'unicast' && v6.match(GLOBAL_UNICAST_V6);
}

function matchesAllowed(addr: Parsed, allowed: readonly string[]): boolean {
  const forms: Parsed[] = [addr];
  if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress())
    forms.push((addr as ipaddr.IPv6).toIPv4Address());
  for (const entry of allowed) {
    try {
      if (entry.includes('/')) {
        const [range, bits] = ipaddr.parseCIDR(entry);
        if (forms.some((f) => range.kind() === f.kind() && f.match([range, bits] as [Parsed, number]))) return true;
      } else if (ipaddr.isValid(entry)) {
        const allowedAddr = ipaddr.parse(entry);
        const normal = allowedAddr.toNormalizedString();
        if (forms.some((f) => allowedAddr.kind() === f.kind() && f.toNormalizedString() === normal)) return true;
      }
    } catch {
      // not an address or range: a host name, matched elsewhere
    }
  }
  return false;
}

const rulesOf = (policy: DestinationPolicy) => KINDS[policy.kind ?? 'webhook'];
const kindOf = (policy: DestinationPolicy): DestinationKind => policy.kind ?? 'webhook';

/** Throws DestinationRefused unless every address is public or allowed by the operator. */
export function checkAddresses(hostname: string, addresses: string[], policy: DestinationPolicy): void {
  const kind = kindOf(policy);
  const rules = rulesOf(policy);
  if (addresses.length === 0) {
    throw new DestinationRefused(kind, 'host_unresolvable', `The host ${hostname} has no address.`);
  }
  for (const address of addresses) {
    if (!ipaddr.isValid(address)) {
      throw new DestinationRefused(
        kind,
        'url_not_allowed',
        rules.showsAddress
          ? `The host ${hostname} resolves to ${address}, not an address we can check.`
          : `The host ${hostname} does not resolve to an address we can check.`,
        address,
      );
    }
    const parsed = ipaddr.parse(address);
    if (!isPublicAddress(parsed) && !matchesAllowed(parsed, policy.allowedHosts)) {
      const where = rules.showsAddress
        ? `resolves to ${address}, a ${parsed.range()} address`
        : 'is not a public address';
      throw new DestinationRefused(
        kind,
        'url_not_allowed',
        `The host ${hostname} ${where}; ${rules.noun} only reach public addresses unless the operator allows the host (${rules.variable}).`,
        address,
      );
    }
  }
}

export function isAllowedHostName(hostname: string, policy: DestinationPolicy): boolean {
  return policy.allowedHosts.includes(hostname.toLowerCase());
}

/** Parses and checks a destination URL; resolves the host name unless the operator allows it by name. */
export async function checkDestination(raw: string, policy: DestinationPolicy): Promise<URL> {
  return (await resolveDestination(raw, policy)).url;
}

/**
 * checkDestination, also giving the addresses it checked, so that a caller that connects by itself (an ffmpeg
 * process) can connect to exactly those. `addresses` is null for a host the operator allows by name.
 */
export async function resolveDestination(
  raw: string,
  policy: DestinationPolicy,
): Promise<{ url: URL; addresses: string[] | null }> {
  const kind = kindOf(policy);
  const rules = rulesOf(policy);
  const invalid = (message: string) => new DestinationRefused(kind, 'url_invalid', message);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalid('The URL is not a valid absolute URL.');
  }
  if (!rules.schemes.includes(url.protocol)) {
    throw invalid(
      kind === 'webhook'
        ? 'The URL must use https (or http outside production).'
        : 'The URL must use rtmp:// or rtmps://.',
    );
  }
  if (kind === 'webhook' && policy.httpsOnly && url.protocol !== 'https:') {
    throw invalid('Webhook URLs must use https in production.');
  }
  if (url.username || url.password) {
    throw invalid('The URL must not carry a user name or password.');
  }
  // URLs of other schemes than http(s) keep their host as written (no lower-casing, no IPv4 normalising)
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (!isIP(hostname) && !/^[a-z0-9_.-]+$/.test(hostname)) throw invalid('The URL has no valid host name.');
  if (isAllowedHostName(hostname, policy)) return { url, addresses: null };
  // what the system resolver would read as an IPv4 address (0x7f000001, 2130706433, 0177.0.0.1, 127.1)
  const literal = isIP(hostname)
    ? hostname
    : ipaddr.IPv4.isValid(hostname)
      ? ipaddr.IPv4.parse(hostname).toString()
      : null;
  if (literal) {
    checkAddresses(hostname, [literal], policy);
    return { url, addresses: [literal] };
  }
  let addresses: string[];
  try {
    addresses = await (policy.resolve ?? systemResolve)(hostname);
  } catch {
    throw new DestinationRefused(kind, 'host_unresolvable', `The host ${hostname} could not be resolved.`);
  }
  checkAddresses(hostname, addresses, policy);
  return { url, addresses };
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for the HTTP agent's sockets: resolves, refuses the connection when any address is not
 * allowed, and connects only to the addresses it checked (so DNS cannot change between check and connect).
 */
export function guardedLookup(policy: DestinationPolicy) {
  return (hostname: string, options: { all?: boolean }, callback: LookupCallback): void => {
    const resolve = policy.resolve ?? systemResolve;
    resolve(hostname).then(
      (addresses) => {
        try {
          if (!isAllowedHostName(hostname, policy)) checkAddresses(hostname, addresses, policy);
        } catch (err) {
          return callback(err as NodeJS.ErrnoException, '');
        }
        const entries = addresses.map((address) => ({ address, family: isIP(address) }));
        if (options.all) return callback(null, entries);
        const first = entries[0]!;
        callback(null, first.address, first.family);
      },
      (err: NodeJS.ErrnoException) => callback(err, ''),
    );
  };
}

/** How long a delivery-time check of a URL stands before it is made again (DNS asked again). */
export const DESTINATION_CHECK_TTL_MS = 5_000;
/** Checked URLs kept at most; the cache starts over beyond. */
const CHECKS_KEPT = 10_000;

/**
 * checkDestination at delivery time, its answer (accepted or refused) reused for `ttlMs` per URL, so that a busy
 * endpoint's attempts do not each parse and resolve its URL. A failure other than a refusal is not kept. The
 * connection itself stays guarded by guardedLookup on every new socket.
 */
export function cachedDestinationCheck(
  policy: DestinationPolicy,
  opts: { ttlMs?: number; now: () => number },
): (raw: string) => Promise<URL> {
  const ttlMs = opts.ttlMs ?? DESTINATION_CHECK_TTL_MS;
  const checks = new Map<string, { at: number; check: Promise<URL> }>();
  return (raw) => {
    const now = opts.now();
    const kept = checks.get(raw);
    if (kept && now - kept.at < ttlMs) return kept.check;
    if (checks.size >= CHECKS_KEPT) checks.clear();
    const check = checkDestination(raw, policy);
    const entry = { at: now, check };
    checks.set(raw, entry);
    check.catch((err: unknown) => {
      if (!(err instanceof DestinationRefused) && checks.get(raw) === entry) checks.delete(raw);
    });
    return check;
  };
}

/** Parses an operator's allow-list variable ("127.0.0.1, rtmp.internal, 10.0.0.0/8") into its entries. */
export function parseAllowedHosts(value: string): string[] {
  return value
    .split(',')
    .map((s) =>
      s
        .trim()
        .toLowerCase()
        .replace(/^\[(.*)\]$/, '$1'),
    )
    .filter(Boolean);
}

/** A configuration variable holding an allow-list (WEBHOOK_ALLOWED_HOSTS, RESTREAM_ALLOWED_HOSTS); empty by default. */
export const allowedHostsVar = z.string().default('').transform(parseAllowedHosts);
