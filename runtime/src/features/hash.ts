const encoder = new TextEncoder();

/**
 * FNV-1a, 32 bit, over the UTF-8 bytes of `text` (offset basis 2166136261, prime 16777619).
 * `hash_bucket(x, n)` is `fnv1a32(text of x) mod n`, where the text of a number is its shortest
 * JS/JSON form (`3`, `2.5`) and of a bool `true`/`false`; any other process can reproduce it.
 */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of encoder.encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

export function hashBucket(text: string, buckets: number): number {
  return fnv1a32(text) % buckets;
}
