// Reading and writing HLS playlists: the edge's master playlist, and a live EVENT playlist turned into VOD.

export interface MasterEntry {
  attributes: Record<string, string>;
  uri: string;
}

/** Parses `#EXT-X-STREAM-INF` entries of a master playlist. */
export function parseMaster(text: string): MasterEntry[] {
  const lines = text.split(/\r?\n/);
  const out: MasterEntry[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!line.startsWith('#EXT-X-STREAM-INF:')) continue;
    const attributes: Record<string, string> = {};
    for (const m of line.slice(18).matchAll(/([A-Z0-9-]+)=("[^"]*"|[^,]*)/g)) attributes[m[1]!] = m[2]!;
    let j = i + 1;
    while (j < lines.length && (lines[j]!.trim() === '' || lines[j]!.startsWith('#'))) j++;
    if (j < lines.length) out.push({ attributes, uri: lines[j]!.trim() });
    i = j;
  }
  return out;
}

export function renderMaster(entries: MasterEntry[]): string {
  const body = entries.map(
    (e) =>
      `#EXT-X-STREAM-INF:${Object.entries(e.attributes)
        .map(([k, v]) => `${k}=${v}`)
        .join(',')}\n${e.uri}`,
  );
  return ['#EXTM3U', '#EXT-X-VERSION:6', '#EXT-X-INDEPENDENT-SEGMENTS', ...body, ''].join('\n');
}

/** Total of the EXTINF durations of a media playlist, and its segment URIs. */
export function mediaSegments(text: string): { duration: number; segments: string[] } {
  let duration = 0;
  const segments: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line.startsWith('#EXTINF:')) duration += Number.parseFloat(line.slice(8)) || 0;
    else if (line && !line.startsWith('#')) segments.push(line.trim());
  }
  return { duration, segments };
}

/** A finished live playlist: VOD when it kept every segment (EVENT), and closed with ENDLIST either way. */
export function closePlaylist(text: string): string {
  let out = text.replace('#EXT-X-PLAYLIST-TYPE:EVENT', '#EXT-X-PLAYLIST-TYPE:VOD');
  if (!out.includes('#EXT-X-ENDLIST')) out = `${out.replace(/\s*$/, '')}\n#EXT-X-ENDLIST\n`;
  return out;
}
