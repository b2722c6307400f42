// The key per-address limits count under: an IPv4 address as is, an IPv6 address by its /64 (one subscriber's
// network: a client holding a /64 must not get 2^64 separate allowances).
import ipaddr from 'ipaddr.js';

export function addressKey(address: string | undefined): string {
  if (!address) return 'unknown';
  if (!ipaddr.isValid(address)) return address;
  const parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv4') return parsed.toString();
  const v6 = parsed as ipaddr.IPv6;
  if (v6.isIPv4MappedAddress()) return v6.toIPv4Address().toString();
  return `${v6.parts
    .slice(0, 4)
    .map((p) => p.toString(16))
    .join(':')}::/64`;
}
