/**
 * Two-sample Kolmogorov–Smirnov test, two-sided, as scipy's `ks_2samp` with its
 * default `method="auto"`: the exact p-value when both samples have at most
 * 10000 values (scipy's lattice-path count, "inside" form: p = 1 - P(inside)),
 * otherwise scipy's `method="asymp"`: the one-sample distribution `kstwo.sf(D, round(n_e))`
 * with n_e = n·m / (n + m), computed by the same algorithms scipy uses (see
 * `oneSampleSurvival`).
 */

export interface KsResult {
  statistic: number;
  pValue: number;
  method: "exact" | "asymptotic";
}

const EXACT_MAX_SIZE = 10000;

export function ksTwoSample(reference: ArrayLike<number>, current: ArrayLike<number>): KsResult {
  const a = Float64Array.from(reference).sort();
  const b = Float64Array.from(current).sort();
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) throw new Error("ks: both samples need at least one value");
  const statistic = supremumDistance(a, b);
  if (Math.max(n1, n2) <= EXACT_MAX_SIZE) {
    const exact = exactPValue(n1, n2, statistic);
    if (exact !== null) return { statistic, pValue: exact, method: "exact" };
  }
  const en = Math.round((n1 * n2) / (n1 + n2));
  return { statistic, pValue: oneSampleSurvival(en, statistic), method: "asymptotic" };
}

/**
 * P(D_n >= d) for the two-sided one-sample statistic D_n, following scipy's
 * `kstwo.sf` (Simard & L'Ecuyer 2011): closed forms at the edges, 2 × Smirnov's
 * exact one-sided tail where n·d² >= 2.2, otherwise 1 - CDF by the Durbin matrix
 * (Marsaglia–Tsang–Wang) or, for large n, the Pelz–Good expansion.
 */
export function oneSampleSurvival(n: number, d: number): number {
  if (d >= 1) return 0;
  if (d <= 0) return 1;
  const t = n * d;
  if (t <= 1) {
    if (t <= 0.5) return 1;
    let cdf = 1;
    for (let i = 1; i <= n; i++) cdf *= (i / n) * (2 * t - 1);
    return clip(1 - cdf);
  }
  if (t >= n - 1) return clip(2 * (1 - d) ** n);
  if (d >= 0.5) return clip(2 * smirnovSurvival(n, d));
  const nd2 = t * d;
  if (n <= 140) return clip(1 - marsagliaTsangWang(n, d, Math.floor(t) + 1));
  if (nd2 >= 370) return 0;
  if (nd2 >= 2.2) return clip(2 * smirnovSurvival(n, d));
  const cdf = n <= 100000 && n * d ** 1.5 <= 1.4 ? marsagliaTsangWang(n, d, Math.floor(t) + 1) : pelzGoodCdf(n, d);
  return clip(1 - cdf);
}

const clip = (p: number): number => Math.min(1, Math.max(0, p));

/**
 * Smirnov's one-sided P(D_n^+ >= d) (Birnbaum–Tingey):
 * d Σ_{j=0}^{⌊n(1-d)⌋} C(n, j) (1 - d - j/n)^(n-j) (d + j/n)^(j-1).
 */
function smirnovSurvival(n: number, d: number): number {
  const last = Math.floor(n * (1 - d));
  let logBinomial = 0;
  let sum = 0;
  for (let j = 0; j <= last; j++) {
    if (j > 0) logBinomial += Math.log((n - j + 1) / j);
    const a = 1 - d - j / n;
    if (a <= 0) continue;
    sum += Math.exp(logBinomial + (n - j) * Math.log(a) + (j - 1) * Math.log(d + j / n));
  }
  return d * sum;
}

/** Pelz–Good asymptotic expansion of P(D_n <= d) (as scipy's `_kolmogn_PelzGood`). */
function pelzGoodCdf(n: number, d: number): number {
  const z = Math.sqrt(n) * d;
  const z2 = z * z;
  const z3 = z2 * z;
  const z4 = z2 * z2;
  const z6 = z4 * z2;
  const pi2 = Math.PI ** 2;
  const pi4 = pi2 * pi2;
  const pi6 = pi4 * pi2;
  const sqrt2pi = Math.sqrt(2 * Math.PI);
  const qlog = -pi2 / 8 / z2;
  if (qlog < -708) return 0;
  let q = Math.exp(qlog);
  const k1a = -z2;
  const k1b = pi2 / 4;
  const k2a = 6 * z6 + 2 * z4;
  const k2b = ((2 * z4 - 5 * z2) * pi2) / 4;
  const k2c = (pi4 * (1 - 2 * z2)) / 16;
  const k3d = (pi6 * (5 - 30 * z2)) / 64;
  const k3c = (pi4 * (-60 * z2 + 212 * z4)) / 16;
  const k3b = (pi2 * (135 * z4 - 96 * z6)) / 4;
  const k3a = -30 * z6 - 90 * z4 * z4;
  const terms = [0, 0, 0, 0];
  const maxk = Math.ceil((16 * z) / Math.PI);
  for (let k = maxk; k >= 1; k--) {
    const m = 2 * k - 1;
    const m2 = m * m;
    const m4 = m2 * m2;
    const m6 = m4 * m2;
    const qpower = q ** (8 * k);
    const coefficients = [1, k1a + k1b * m2, k2a + k2b * m2 + k2c * m4, k3a + k3b * m2 + k3c * m4 + k3d * m6];
    for (let i = 0; i < 4; i++) terms[i] = terms[i]! * qpower + coefficients[i]!;
  }
  const divisors = [z, 6 * z4, 72 * z ** 7, 6480 * z ** 10];
  for (let i = 0; i < 4; i++) terms[i] = (terms[i]! * q * sqrt2pi) / divisors[i]!;
  q = Math.exp(-pi2 / 2 / z2);
  const sqrt3z = Math.sqrt(3) * z;
  let k2extra = 0;
  let k3extra = 0;
  for (let k = maxk; k >= 1; k--) {
    const k2 = k * k;
    const power = q ** k2;
    k2extra += k2 * power;
    k3extra += (sqrt3z + Math.PI * k) * (sqrt3z - Math.PI * k) * k2 * power;
  }
  terms[2]! += (k2extra * pi2 * sqrt2pi) / (-36 * z3);
  terms[3]! += (k3extra * pi2 * sqrt2pi) / (216 * z6);
  let cdf = 0;
  for (let i = 0; i < 4; i++) cdf += terms[i]! / n ** (i / 2);
  return cdf;
}

/** P(D_n < d) by the Durbin matrix method (Marsaglia, Tsang & Wang, J. Stat. Softw. 8(18), 2003). */
function marsagliaTsangWang(n: number, d: number, k: number): number {
  const m = 2 * k - 1;
  const h = k - n * d;
  const H = new Float64Array(m * m);
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) H[i * m + j] = i - j + 1 < 0 ? 0 : 1;
  for (let i = 0; i < m; i++) {
    H[i * m]! -= h ** (i + 1);
    H[(m - 1) * m + i]! -= h ** (m - i);
  }
  H[(m - 1) * m]! += 2 * h - 1 > 0 ? (2 * h - 1) ** m : 0;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      if (i - j + 1 > 0) for (let g = 1; g <= i - j + 1; g++) H[i * m + j]! /= g;
    }
  }
  const { matrix, exponent } = matrixPower(H, m, n);
  let value = matrix[(k - 1) * m + k - 1]!;
  let tenExponent = exponent;
  for (let i = 1; i <= n; i++) {
    value = (value * i) / n;
    if (value < 1e-140) {
      value *= 1e140;
      tenExponent -= 140;
    }
  }
  return value * 10 ** tenExponent;
}

/** A^n with a separate power-of-ten exponent against overflow. */
function matrixPower(a: Float64Array, m: number, n: number): { matrix: Float64Array; exponent: number } {
  if (n === 1) return { matrix: Float64Array.from(a), exponent: 0 };
  const half = matrixPower(a, m, Math.floor(n / 2));
  let matrix = multiply(half.matrix, half.matrix, m);
  let exponent = 2 * half.exponent;
  if (n % 2 === 1) matrix = multiply(a, matrix, m);
  const centre = Math.floor(m / 2);
  if (matrix[centre * m + centre]! > 1e140) {
    for (let i = 0; i < matrix.length; i++) matrix[i]! *= 1e-140;
    exponent += 140;
  }
  return { matrix, exponent };
}

function multiply(a: Float64Array, b: Float64Array, m: number): Float64Array {
  const c = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let k = 0; k < m; k++) {
      const aik = a[i * m + k]!;
      if (aik === 0) continue;
      const rowB = k * m;
      const rowC = i * m;
      for (let j = 0; j < m; j++) c[rowC + j]! += aik * b[rowB + j]!;
    }
  }
  return c;
}

/** sup_x |F_a(x) - F_b(x)| over both samples' values (right-continuous ECDFs). */
function supremumDistance(a: Float64Array, b: Float64Array): number {
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < a.length && j < b.length) {
    const x = Math.min(a[i]!, b[j]!);
    while (i < a.length && a[i] === x) i++;
    while (j < b.length && b[j] === x) j++;
    d = Math.max(d, Math.abs(i / a.length - j / b.length));
  }
  return d;
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** Exact two-sided p-value, or null when the computation would lose its range. */
function exactPValue(n1: number, n2: number, d: number): number | null {
  const g = gcd(n1, n2);
  const lcm = (n1 / g) * n2;
  const h = Math.round(d * lcm);
  if (h === 0) return 1;
  const inside = probabilityInside(Math.max(n1, n2), Math.min(n1, n2), g, h);
  if (!Number.isFinite(inside)) return null;
  return Math.min(1, Math.max(0, 1 - inside));
}

/**
 * Share of monotone lattice paths from (0, 0) to (m, n) staying strictly inside
 * |x/m - y/n| < h / lcm(m, n) (Hodges 1958), column by column with rescaling.
 */
function probabilityInside(m: number, n: number, g: number, h: number): number {
  const mg = m / g;
  const ng = n / g;
  let minj = 0;
  let maxj = Math.min(Math.ceil(h / mg), n + 1);
  let currentLength = maxj - minj;
  let column = new Float64Array(n + 2);
  let next = new Float64Array(n + 2);
  for (let j = minj; j < maxj; j++) column[j] = 1;
  let exponent = 0;
  for (let i = 1; i <= m; i++) {
    const lastMin = minj;
    const lastLength = currentLength;
    minj = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n);
    maxj = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxj <= minj) return 0;
    next.fill(0);
    let running = 0;
    for (let t = 0; t < maxj - minj; t++) {
      const source = minj - lastMin + t;
      running += source < lastLength ? column[source]! : 0;
      next[t] = running;
    }
    [column, next] = [next, column];
    currentLength = maxj - minj;
    const scale = Math.floor(Math.log2(column[currentLength - 1]!));
    if (scale > 900) {
      const shift = scale - 800;
      const factor = 2 ** -shift;
      for (let t = 0; t < currentLength; t++) column[t]! *= factor;
      exponent += shift;
    }
  }
  let value = column[currentLength - 1]!;
  for (let i = 1; i <= n && value > 0; i++) {
    value = (value * i) / (m + i);
    const scale = Math.floor(Math.log2(value));
    if (scale < -128) {
      value *= 2 ** -scale;
      exponent += scale;
    }
  }
  return ldexp(value, exponent);
}

/** value · 2^exponent without intermediate overflow or underflow. */
function ldexp(value: number, exponent: number): number {
  let result = value;
  let remaining = exponent;
  while (remaining > 1000) {
    result *= 2 ** 1000;
    remaining -= 1000;
  }
  while (remaining < -1000) {
    result *= 2 ** -1000;
    remaining += 1000;
  }
  return result * 2 ** remaining;
}
