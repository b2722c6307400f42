// Viewer ids of public streams: the edge issues one with a master playlist and carries it on the variant URIs
// (`?vid=`), so viewers are counted by an id the server made, not by anything a client sends. An id is signed
// and bound to its stream and to the viewer's address (core's addressKey), so it cannot be made up or shared.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const ID_CHARS = 12; // 9 random bytes, base64url
const MAC_CHARS = 22; // 16 bytes of HMAC-SHA256, base64url

export class ViewerIds {
  private readonly keys: Buffer[];

  /** `secrets`: the edge secrets (EDGE_SECRET first), so every edge of a deployment accepts the others' ids. */
  constructor(secrets: readonly string[]) {
    this.keys = secrets.map((s) => createHmac('sha256', s).update('beamline viewer id v1').digest());
  }

  issue(playbackId: string, address: string): string {
    const id = randomBytes(9).toString('base64url');
    return `${id}.${this.mac(this.keys[0]!, playbackId, address, id)}`;
  }

  /** The id when `value` was issued for this stream and address, else null. */
  verify(value: string | null, playbackId: string, address: string): string | null {
    if (!value || value.length !== ID_CHARS + 1 + MAC_CHARS || value[ID_CHARS] !== '.') return null;
    const id = value.slice(0, ID_CHARS);
    const given = Buffer.from(value.slice(ID_CHARS + 1));
    for (const key of this.keys) {
      if (timingSafeEqual(given, Buffer.from(this.mac(key, playbackId, address, id)))) return id;
    }
    return null;
  }

  private mac(key: Buffer, playbackId: string, address: string, id: string): string {
    return createHmac('sha256', key)
      .update(`${playbackId}\n${address}\n${id}`)
      .digest()
      .subarray(0, 16)
      .toString('base64url');
  }
}
