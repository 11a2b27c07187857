const encoder = new TextEncoder();

/** The hash `hash_bucket` uses, named in its fitted state. */
export const HASH_BUCKET_HASH = "murmur3-x86-32-utf8";

/**
 * MurmurHash3 (x86, 32 bit, seed 0) over the UTF-8 bytes of `text` — what onnxruntime's
 * `com.microsoft.MurmurHash3` operator computes for a string tensor, so the model graph and this
 * evaluator put every value in the same bucket. `hash_bucket(x, n)` is `murmur3(text of x) mod n`,
 * where the text of a number is its decimal form (`3`, `-12`) and of a bool `true`/`false`.
 */
export function murmur3Text(text: string): number {
  return murmur3(encoder.encode(text));
}

export function murmur3(data: Uint8Array, seed = 0): number {
  const c1 = 0xcc9e2d51;
  const c2 = 0x1b873593;
  const blocks = data.length >>> 2;
  let h = seed >>> 0;
  for (let i = 0; i < blocks; i++) {
    const o = i * 4;
    let k = data[o]! | (data[o + 1]! << 8) | (data[o + 2]! << 16) | (data[o + 3]! << 24);
    k = Math.imul(k, c1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, c2);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const tail = blocks * 4;
  const rest = data.length & 3;
  if (rest > 0) {
    let k = data[tail]!;
    if (rest > 1) k ^= data[tail + 1]! << 8;
    if (rest > 2) k ^= data[tail + 2]! << 16;
    k = Math.imul(k, c1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, c2);
    h ^= k;
  }
  h ^= data.length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export function hashBucket(text: string, buckets: number): number {
  return murmur3Text(text) % buckets;
}
