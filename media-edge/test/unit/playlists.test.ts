// Playlist handling: the master the edge publishes, VOD closing, and the token carried into URIs.
import { describe, expect, it } from 'vitest';
import { carryToken } from '../../src/hls/respond';
import { closePlaylist, mediaSegments, parseMaster, renderMaster } from '../../src/ladder/playlists';

const MASTER = `#EXTM3U
#EXT-X-VERSION:6
#EXT-X-STREAM-INF:BANDWIDTH=105600,RESOLUTION=640x360
source/index.m3u8

#EXT-X-STREAM-INF:BANDWIDTH=655600,RESOLUTION=426x240,CODECS="avc1.640015,mp4a.40.2"
240p/index.m3u8
`;

const EVENT = `#EXTM3U
#EXT-X-VERSION:6
#EXT-X-TARGETDURATION:2
#EXT-X-MEDIA-SEQUENCE:0
#EXT-X-PLAYLIST-TYPE:EVENT
#EXTINF:2.000000,
seg_00000.ts
#EXT-X-DISCONTINUITY
#EXTINF:1.500000,
seg_00001.ts
`;

describe('playlists', () => {
  it('parses and re-renders a master playlist, quoted attributes intact', () => {
    const entries = parseMaster(MASTER);
    expect(entries).toEqual([
      { attributes: { BANDWIDTH: '105600', RESOLUTION: '640x360' }, uri: 'source/index.m3u8' },
      {
        attributes: { BANDWIDTH: '655600', RESOLUTION: '426x240', CODECS: '"avc1.640015,mp4a.40.2"' },
        uri: '240p/index.m3u8',
      },
    ]);
    expect(parseMaster(renderMaster(entries))).toEqual(entries);
  });

  it('closes an EVENT playlist as VOD once', () => {
    const closed = closePlaylist(EVENT);
    expect(closed).toContain('#EXT-X-PLAYLIST-TYPE:VOD');
    expect(closed.trim().endsWith('#EXT-X-ENDLIST')).toBe(true);
    expect(closePlaylist(closed)).toBe(closed);
    expect(mediaSegments(closed)).toEqual({ duration: 3.5, segments: ['seg_00000.ts', 'seg_00001.ts'] });
  });

  it('carries a token into every URI line and nowhere else', () => {
    const out = carryToken(EVENT, 'a.b+c');
    expect(out).toContain('seg_00000.ts?token=a.b%2Bc\n');
    expect(out).toContain('#EXT-X-DISCONTINUITY\n');
    expect(out.match(/token=/g)).toHaveLength(2);
  });
});
