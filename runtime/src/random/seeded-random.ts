/**
 * A small seeded PRNG (mulberry32)
 * so that shuffles, splits and generated data are identical on every machine.
 */
export interface SeededRandom {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer uniform in [0, n). */
  nextInt(n: number): number;
  /** Standard normal (Box–Muller). */
  nextNormal(): number;
}

export function seededRandom(seed: number): SeededRandom {
  let state = (Math.trunc(seed) ^ 0x9e3779b9) >>> 0;
  let spareNormal: number | null = null;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    nextInt: (n) => Math.floor(next() * n),
    nextNormal: () => {
      if (spareNormal !== null) {
        const value = spareNormal;
        spareNormal = null;
        return value;
      }
      let u = 0;
      while (u === 0) u = next();
      const v = next();
      const radius = Math.sqrt(-2 * Math.log(u));
      spareNormal = radius * Math.sin(2 * Math.PI * v);
      return radius * Math.cos(2 * Math.PI * v);
    },
  };
}

/** Fisher–Yates shuffle in place. */
export function shuffleInPlace(values: Int32Array | Uint32Array | number[], random: SeededRandom): void {
  for (let i = values.length - 1; i > 0; i--) {
    const j = random.nextInt(i + 1);
    const tmp = values[i]!;
    values[i] = values[j]!;
    values[j] = tmp;
  }
}

/** 0..n-1 in a seeded random order. */
export function permutation(n: number, random: SeededRandom): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  shuffleInPlace(order, random);
  return order;
}
