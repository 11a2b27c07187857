import { describe, expect, it } from "vitest";
import {
  autoDriftMethod,
  chiSquareTest,
  driftStatistic,
  evaluateDriftRule,
  jensenShannonDistance,
  ksTwoSample,
  normalisedWasserstein,
  populationStabilityIndex,
  seededRandom,
  twoProportionZTest,
  wassersteinDistance,
  type DriftSample,
} from "../../src/index.js";
import { pythonHas, runPython } from "../support/python-reference.js";

const categorical = (values: Array<string | null>): DriftSample => ({ kind: "categorical", values });
const numeric = (values: ArrayLike<number>): DriftSample => ({ kind: "numeric", values });
const repeat = (value: string, n: number): string[] => new Array<string>(n).fill(value);

describe("distances (hand-computed)", () => {
  const reference = categorical(["a", "a", "b", "b"]);
  const current = categorical(["a", "a", "a", "b"]);

  it("psi = Σ (c - r) ln(c / r)", () => {
    expect(populationStabilityIndex(reference, current)).toBeCloseTo(0.25 * Math.log(3), 12);
    // a category missing on one side counts with the epsilon share 1e-4
    const psi = populationStabilityIndex(categorical(["a", "a"]), categorical(["a", "b"]));
    expect(psi).toBeCloseTo((0.5 - 1) * Math.log(0.5) + (0.5 - 1e-4) * Math.log(0.5 / 1e-4), 12);
  });

  it("psi of a sample against itself is 0, and bins come from reference deciles", () => {
    const values = Float64Array.from({ length: 1000 }, (_, i) => i);
    expect(populationStabilityIndex(numeric(values), numeric(values))).toBe(0);
    const shifted = values.map((v) => v + 100);
    // bins of 100 values each: the shifted sample leaves the first bin and doubles the last
    const expected = (1e-4 - 0.1) * Math.log(1e-4 / 0.1) + (0.2 - 0.1) * Math.log(2);
    expect(populationStabilityIndex(numeric(values), numeric(shifted))).toBeCloseTo(expected, 2);
  });

  it("jensen_shannon is the square root of the base-2 divergence", () => {
    const p = [0.5, 0.5];
    const q = [0.75, 0.25];
    const m = [0.625, 0.375];
    const kl = (a: number[], b: number[]): number => a.reduce((s, v, i) => s + v * Math.log2(v / b[i]!), 0);
    expect(jensenShannonDistance(reference, current)).toBeCloseTo(Math.sqrt((kl(p, m) + kl(q, m)) / 2), 12);
    expect(jensenShannonDistance(categorical(["a"]), categorical(["b"]))).toBeCloseTo(1, 12);
  });

  it("wasserstein of a shift is the shift, normalised by the reference std", () => {
    expect(wassersteinDistance([0, 1, 3], [5, 6, 8])).toBeCloseTo(5, 12);
    expect(wassersteinDistance([0, 1], [0, 0, 1, 1])).toBe(0);
    expect(normalisedWasserstein([0, 1, 3], [5, 6, 8])).toBeCloseTo(5 / Math.sqrt(42 / 27), 12);
  });
});

describe("tests (hand-computed)", () => {
  it("ks: exact p-value for disjoint samples of three is 2 / C(6, 3)", () => {
    expect(ksTwoSample([1, 2, 3], [4, 5, 6])).toEqual({ statistic: 1, pValue: expect.closeTo(0.1, 12), method: "exact" });
    expect(ksTwoSample([1, 2, 3], [3, 2, 1]).pValue).toBe(1);
  });

  it("chi_square on a 2 × 2 table uses Yates' correction; the z-test squares to the uncorrected χ²", () => {
    const reference = [...repeat("a", 10), ...repeat("b", 10)];
    const current = [...repeat("a", 15), ...repeat("b", 5)];
    // expected counts 12.5 / 7.5 per row; |O - E| = 2.5, corrected to 2
    const corrected = 2 * (4 / 12.5) + 2 * (4 / 7.5);
    const chi = chiSquareTest(reference, current);
    expect(chi.statistic).toBeCloseTo(corrected, 12);
    expect(chi.degreesOfFreedom).toBe(1);
    const z = twoProportionZTest(reference, current);
    expect(z.statistic ** 2).toBeCloseTo(2 * (6.25 / 12.5) + 2 * (6.25 / 7.5), 12);
    expect(chiSquareTest([...repeat("a", 1), ...repeat("b", 1)], ["a", "b"]).pValue).toBeCloseTo(1, 12);
    expect(driftStatistic("z_test", numeric([0, 0, 2, 2]), numeric([0, 0, 2, 2])).value).toBeCloseTo(1, 12);
  });

  it("chi_square with a single category cannot detect anything (p = 1)", () => {
    expect(chiSquareTest(["a", "a"], ["a"]).pValue).toBe(1);
  });
});

describe("auto and rules", () => {
  it("picks tests for small references and distances for large ones", () => {
    expect(autoDriftMethod("numeric", 1000)).toMatchObject({ method: "ks", comparison: "<", threshold: 0.05 });
    expect(autoDriftMethod("categorical", 1000)).toMatchObject({ method: "chi_square", comparison: "<", threshold: 0.05 });
    expect(autoDriftMethod("numeric", 1001)).toMatchObject({ method: "wasserstein", comparison: ">=", threshold: 0.1 });
    expect(autoDriftMethod("categorical", 1001)).toMatchObject({ method: "jensen_shannon", comparison: ">=", threshold: 0.1 });
  });

  it("evaluates a rule and says whether the column drifted", () => {
    const random = seededRandom(3);
    const reference = numeric(Float64Array.from({ length: 500 }, () => random.nextNormal()));
    const same = numeric(Float64Array.from({ length: 500 }, () => random.nextNormal()));
    const moved = numeric(Float64Array.from({ length: 500 }, () => random.nextNormal() + 1));
    const auto = { method: "auto", comparison: ">", threshold: 0 } as const;
    expect(evaluateDriftRule(auto, reference, moved)).toMatchObject({ method: "ks", drifted: true });
    expect(evaluateDriftRule(auto, reference, same)).toMatchObject({ method: "ks", drifted: false });
    const psiRule = { method: "psi", comparison: ">", threshold: 0.2 } as const;
    expect(evaluateDriftRule(psiRule, reference, moved)).toMatchObject({ method: "psi", drifted: true, driftsWhen: "above" });
    expect(() => driftStatistic("ks", categorical(["a"]), categorical(["b"]))).toThrow(/numeric/);
  });
});

const hasScipy = pythonHas(["numpy", "scipy"], "drift cross-check against scipy");

describe.skipIf(!hasScipy)("agrees with scipy", () => {
  const random = seededRandom(17);
  const normal = (n: number, shift: number, round = false): Float64Array =>
    Float64Array.from({ length: n }, () => {
      const v = random.nextNormal() + shift;
      return round ? Math.round(v * 4) / 4 : v;
    });

  it.each([
    ["equal sizes", 50, 50, 0.4, false],
    ["unequal sizes with ties", 300, 170, 0.2, true],
    ["barely different", 800, 1000, 0.05, false],
    ["large (asymptotic: Pelz-Good)", 12000, 15000, 0.01, false],
    ["large (asymptotic: Smirnov tail)", 30000, 30000, 0.03, false],
    ["small beside large (asymptotic: Durbin matrix)", 20, 20000, 0.5, false],
  ])("ks_2samp: %s", (_name, n1, n2, shift, round) => {
    const a = normal(n1, 0, round);
    const b = normal(n2, shift, round);
    const ours = ksTwoSample(a, b);
    const ref = runPython(
      `from scipy import stats
r = stats.ks_2samp(args[0], args[1])
print(json.dumps({"d": float(r.statistic), "p": float(r.pvalue)}))`,
      [a, b],
    ) as { d: number; p: number };
    expect(ours.statistic).toBeCloseTo(ref.d, 12);
    if (ours.method === "exact") expect(ours.pValue).toBeCloseTo(ref.p, 9);
    else expect(Math.abs(ours.pValue - ref.p)).toBeLessThan(1e-9 * ref.p);
  });

  it("wasserstein, jensen-shannon over reference-decile bins, chi2_contingency", () => {
    const a = normal(700, 0);
    const b = normal(900, 0.3).map((v) => v * 1.2);
    const categories = ["x", "y", "z", "w"];
    const ca = Float64Array.from({ length: 400 }, () => random.nextInt(4));
    const cb = Float64Array.from({ length: 300 }, () => Math.min(3, random.nextInt(4) + (random.next() < 0.2 ? 1 : 0)));
    const ref = runPython(
      `from scipy import stats
from scipy.spatial import distance
a, b, ca, cb = args
edges = np.quantile(a, np.arange(1, 10) / 10)
ha = np.bincount(np.searchsorted(edges, a, side="left"), minlength=10) / len(a)
hb = np.bincount(np.searchsorted(edges, b, side="left"), minlength=10) / len(b)
table = np.array([np.bincount(ca.astype(int), minlength=4), np.bincount(cb.astype(int), minlength=4)])
chi2, p, dof, _ = stats.chi2_contingency(table)
pa = table[0] / table[0].sum(); pb = table[1] / table[1].sum()
print(json.dumps({"w": stats.wasserstein_distance(a, b) / np.std(a), "js": float(distance.jensenshannon(ha, hb, base=2)),
  "chi2": float(chi2), "p": float(p), "jsc": float(distance.jensenshannon(pa, pb, base=2))}))`,
      [a, b, ca, cb],
    ) as Record<string, number>;
    expect(driftStatistic("wasserstein", numeric(a), numeric(b)).value).toBeCloseTo(ref.w!, 10);
    expect(driftStatistic("jensen_shannon", numeric(a), numeric(b)).value).toBeCloseTo(ref.js!, 10);
    const catA = categorical(Array.from(ca, (i) => categories[i]!));
    const catB = categorical(Array.from(cb, (i) => categories[i]!));
    const chi = driftStatistic("chi_square", catA, catB);
    expect(chi.statistic).toBeCloseTo(ref.chi2!, 9);
    expect(chi.pValue).toBeCloseTo(ref.p!, 10);
    expect(driftStatistic("jensen_shannon", catA, catB).value).toBeCloseTo(ref.jsc!, 10);
  });

  it("chi-square survival matches on a 2 × 2 table (Yates)", () => {
    const reference = [...repeat("a", 10), ...repeat("b", 10)];
    const current = [...repeat("a", 15), ...repeat("b", 5)];
    const ref = runPython(
      `from scipy import stats
chi2, p, dof, _ = stats.chi2_contingency(np.array([[10, 10], [15, 5]]))
print(json.dumps({"chi2": float(chi2), "p": float(p)}))`,
      [],
    ) as { chi2: number; p: number };
    const ours = chiSquareTest(reference, current);
    expect(ours.statistic).toBeCloseTo(ref.chi2, 12);
    expect(ours.pValue).toBeCloseTo(ref.p, 12);
  });
});
