// The destination policy shared by webhooks and restream targets: every spelling of a loopback, private,
// link-local or metadata address is refused, IPv6 forms that carry an IPv4 address included.
import { describe, expect, it } from 'vitest';
import { checkDestination, DestinationRefused, type DestinationPolicy } from '../../src/destination';

const webhook = (over: Partial<DestinationPolicy> = {}): DestinationPolicy => ({
  allowedHosts: [],
  resolve: async () => ['93.184.216.34'],
  ...over,
});
const restream = (over: Partial<DestinationPolicy> = {}): DestinationPolicy => webhook({ kind: 'restream', ...over });

async function refusal(url: string, p: DestinationPolicy): Promise<DestinationRefused | null> {
  try {
    await checkDestination(url, p);
    return null;
  } catch (err) {
    if (err instanceof DestinationRefused) return err;
    throw err;
  }
}

const privateV6 = [
  '::127.0.0.1', // IPv4-compatible loopback
  '::7f00:1',
  '::10.0.0.1',
  '::a9fe:a9fe', // 169.254.169.254, IPv4-compatible
  '::ffff:127.0.0.1',
  '::ffff:7f00:1',
  '::ffff:10.0.0.3',
  '::ffff:169.254.169.254',
  '::ffff:0:127.0.0.1', // SIIT (RFC 6145)
  '64:ff9b::127.0.0.1', // NAT64 with a private IPv4
  '64:ff9b::a00:1',
  '64:ff9b::a9fe:a9fe',
  '64:ff9b:1::10.0.0.1', // local-use NAT64
  '2002:7f00:1::1', // 6to4 of 127.0.0.1
  '2002:a00:1::1', // 6to4 of 10.0.0.1
  '2001:0:4136:e378:8000:63bf:80ff:fffe', // Teredo
  '::1',
  '::',
  'fe80::1',
  'fd00::1',
  'fd00:ec2::254',
  'fec0::1',
  'ff02::1',
  '2001:db8::1',
];

describe('the destination policy', () => {
  it.each(privateV6)('refuses [%s] as a literal and as a name resolving to it', async (address) => {
    expect((await refusal(`https://[${address}]/x`, webhook()))?.code).toBe('webhook_url_not_allowed');
    expect((await refusal('https://hooks.example.com/x', webhook({ resolve: async () => [address] })))?.code).toBe(
      'webhook_url_not_allowed',
    );
    expect((await refusal(`rtmp://[${address}]/live`, restream()))?.code).toBe('restream_url_not_allowed');
  });

  it('accepts public IPv4 and IPv6, also through the mapped and NAT64 forms', async () => {
    for (const address of ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946', '::ffff:93.184.216.34']) {
      expect(await refusal('https://hooks.example.com/', webhook({ resolve: async () => [address] }))).toBeNull();
    }
    expect(await refusal('https://[64:ff9b::5db8:d822]/', webhook())).toBeNull();
  });

  it('refuses private IPv4 in every spelling the URL parser accepts', async () => {
    for (const host of [
      '127.0.0.1',
      '0x7f000001',
      '2130706433',
      '0177.0.0.1',
      '127.1',
      '10.0.0.1',
      '169.254.169.254',
    ]) {
      expect((await refusal(`rtmp://${host}:1935/live`, restream()))?.code).toBe('restream_url_not_allowed');
    }
  });

  it('allows what the operator lists, by address, range or name, and a mapped address by its IPv4', async () => {
    expect(await refusal('rtmp://127.0.0.1:1935/live', restream({ allowedHosts: ['127.0.0.1'] }))).toBeNull();
    expect(await refusal('rtmp://[::ffff:127.0.0.1]/live', restream({ allowedHosts: ['127.0.0.1'] }))).toBeNull();
    expect(await refusal('rtmp://10.2.3.4/live', restream({ allowedHosts: ['10.0.0.0/8'] }))).toBeNull();
    expect(
      await refusal('rtmp://ingest.internal/live', restream({ allowedHosts: ['ingest.internal'], resolve: undefined })),
    ).toBeNull();
    expect((await refusal('rtmp://[::127.0.0.1]/live', restream({ allowedHosts: ['10.0.0.0/8'] })))?.code).toBe(
      'restream_url_not_allowed',
    );
  });

  it('restream targets take rtmp:// and rtmps:// only, and their refusals never name the address', async () => {
    for (const url of [
      'http://example.com/live',
      'srt://example.com:9000',
      'file:///etc/passwd',
      'rtmp://u:p@a.b/x',
      'rtmp://%31%32%37.0.0.1/live',
      'rtmp:///live',
    ]) {
      expect((await refusal(url, restream()))?.code).toBe('restream_url_invalid');
    }
    expect(await refusal('rtmps://live.example.com:443/app', restream())).toBeNull();
    const refused = await refusal('rtmp://ingest.example.com/live', restream({ resolve: async () => ['10.0.0.3'] }));
    expect(refused).toMatchObject({ code: 'restream_url_not_allowed', address: '10.0.0.3' });
    expect(refused!.message).not.toContain('10.0.0.3');
    expect(refused!.message).toContain('RESTREAM_ALLOWED_HOSTS');
    const none = restream({ resolve: () => Promise.reject(new Error('ENOTFOUND')) });
    expect((await refusal('rtmp://nowhere.invalid/live', none))?.code).toBe('restream_host_unresolvable');
  });
});
