// Per-address limits count an IPv6 client by its /64: one subscriber's network is one address.
import { describe, expect, it } from 'vitest';
import { addressKey } from '../../src/address-key';

describe('addressKey', () => {
  it('keeps IPv4, unwraps IPv4-mapped IPv6, and folds IPv6 into its /64', () => {
    expect(addressKey('203.0.113.7')).toBe('203.0.113.7');
    expect(addressKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(addressKey('2001:db8:1:2:aaaa::1')).toBe(addressKey('2001:db8:1:2:ffff:ffff:ffff:ffff'));
    expect(addressKey('2001:db8:1:2::1')).not.toBe(addressKey('2001:db8:1:3::1'));
    expect(addressKey(undefined)).toBe('unknown');
  });
});
