// What an export never contains: secrets, their sealed forms and token digests.
const SECRET_FIELD = /secret|sealed|digest|password|streamKey|liveSessionKey/i;

/** A copy of a stored document without secret fields, at any depth. */
export function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === '_id' || SECRET_FIELD.test(k)) continue;
      out[k] = redact(v);
    }
    return out;
  }
  return value;
}
