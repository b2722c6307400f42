// The SSRF guard: a webhook may only reach public addresses, unless the operator allows a host.
// Checked when an endpoint is saved and again at delivery time (a check stands a few seconds per URL), after
// resolving DNS, on every address; every new connection checks the addresses it connects to.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

export type ResolveAll = (hostname: string) => Promise<string[]>;

export interface DestinationPolicy {
  /** https only when true (production mode). */
  httpsOnly: boolean;
  /** Host names, IP addresses and CIDR ranges (WEBHOOK_ALLOWED_HOSTS) exempt from the address check. */
  allowedHosts: readonly string[];
  /** DNS resolution; tests inject their own answers. */
  resolve?: ResolveAll;
}

export class DestinationRefused extends Error {
  constructor(
    readonly code: 'webhook_url_invalid' | 'webhook_url_not_allowed' | 'webhook_host_unresolvable',
    message: string,
  ) {
    super(message);
    this.name = 'DestinationRefused';
  }
}

export const systemResolve: ResolveAll = (hostname) =>
  new Promise((resolve, reject) =>
    dnsLookup(hostname, { all: true, verbatim: true }, (err, addresses: LookupAddress[]) =>
      err ? reject(err) : resolve(addresses.map((a) => a.address)),
    ),
  );

type Parsed = ipaddr.IPv4 | ipaddr.IPv6;

/** Only global unicast addresses are public; IPv4-mapped IPv6 is judged as the IPv4 it carries. */
function isPublic(addr: Parsed): boolean {
  if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress()) {
    return isPublic((addr as ipaddr.IPv6).toIPv4Address());
  }
  return addr.range() === 'unicast';
}

function matchesAllowed(addr: Parsed, allowed: readonly string[]): boolean {
  for (const entry of allowed) {
    try {
      if (entry.includes('/')) {
        const [range, bits] = ipaddr.parseCIDR(entry);
        if (range.kind() === addr.kind() && addr.match([range, bits] as [Parsed, number])) return true;
      } else if (ipaddr.isValid(entry)) {
        const allowedAddr = ipaddr.parse(entry);
        if (allowedAddr.kind() === addr.kind() && allowedAddr.toNormalizedString() === addr.toNormalizedString())
          return true;
      }
    } catch {
      // not an address or range: a host name, matched elsewhere
    }
  }
  return false;
}

/** Throws DestinationRefused unless every address is public or allowed by the operator. */
export function checkAddresses(hostname: string, addresses: string[], policy: DestinationPolicy): void {
  if (addresses.length === 0) {
    throw new DestinationRefused('webhook_host_unresolvable', `The host ${hostname} has no address.`);
  }
  for (const address of addresses) {
    if (!ipaddr.isValid(address)) {
      throw new DestinationRefused(
        'webhook_url_not_allowed',
        `The host ${hostname} resolves to ${address}, not an address we can check.`,
      );
    }
    const parsed = ipaddr.parse(address);
    if (!isPublic(parsed) && !matchesAllowed(parsed, policy.allowedHosts)) {
      throw new DestinationRefused(
        'webhook_url_not_allowed',
        `The host ${hostname} resolves to ${address}, a ${parsed.range()} address; webhooks only reach public addresses unless the operator allows the host (WEBHOOK_ALLOWED_HOSTS).`,
      );
    }
  }
}

export function isAllowedHostName(hostname: string, policy: DestinationPolicy): boolean {
  return policy.allowedHosts.includes(hostname.toLowerCase());
}

/** Parses and checks a webhook URL; resolves the host name unless the operator allows it by name. */
export async function checkDestination(raw: string, policy: DestinationPolicy): Promise<URL> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new DestinationRefused('webhook_url_invalid', 'The URL is not a valid absolute URL.');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new DestinationRefused('webhook_url_invalid', 'The URL must use https (or http outside production).');
  }
  if (policy.httpsOnly && url.protocol !== 'https:') {
    throw new DestinationRefused('webhook_url_invalid', 'Webhook URLs must use https in production.');
  }
  if (url.username || url.password) {
    throw new DestinationRefused('webhook_url_invalid', 'The URL must not carry a user name or password.');
  }
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (isAllowedHostName(hostname, policy)) return url;
  if (isIP(hostname)) {
    checkAddresses(hostname, [hostname], policy);
    return url;
  }
  let addresses: string[];
  try {
    addresses = await (policy.resolve ?? systemResolve)(hostname);
  } catch {
    throw new DestinationRefused('webhook_host_unresolvable', `The host ${hostname} could not be resolved.`);
  }
  checkAddresses(hostname, addresses, policy);
  return url;
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
