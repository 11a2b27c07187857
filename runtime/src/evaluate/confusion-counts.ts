/** Per-label confusion counts, the basis of the threshold metrics. */
export interface LabelCounts {
  label: number;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  /** Rows whose true label is this label. */
  support: number;
}

/** Counts for every label present in `yTrue` or `yPred` (ascending), as scikit-learn's `labels=None`. */
export function labelCounts(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): LabelCounts[] {
  checkSameLength(yTrue, yPred);
  const byLabel = new Map<number, LabelCounts>();
  const entry = (label: number): LabelCounts => {
    let counts = byLabel.get(label);
    if (!counts) {
      counts = { label, truePositives: 0, falsePositives: 0, falseNegatives: 0, support: 0 };
      byLabel.set(label, counts);
    }
    return counts;
  };
  for (let i = 0; i < yTrue.length; i++) {
    const actual = entry(yTrue[i]!);
    const predicted = entry(yPred[i]!);
    actual.support++;
    if (yTrue[i] === yPred[i]) actual.truePositives++;
    else {
      actual.falseNegatives++;
      predicted.falsePositives++;
    }
  }
  return [...byLabel.values()].sort((a, b) => a.label - b.label);
}

export function countsFor(counts: LabelCounts[], label: number): LabelCounts {
  return counts.find((c) => c.label === label) ?? { label, truePositives: 0, falsePositives: 0, falseNegatives: 0, support: 0 };
}

/** a / b, or 0 when b is 0 (scikit-learn's default `zero_division`, without the warning). */
export function ratio(a: number, b: number): number {
  return b === 0 ? 0 : a / b;
}

export function precisionOf(c: LabelCounts): number {
  return ratio(c.truePositives, c.truePositives + c.falsePositives);
}

export function recallOf(c: LabelCounts): number {
  return ratio(c.truePositives, c.truePositives + c.falseNegatives);
}

export function f1Of(c: LabelCounts): number {
  return ratio(2 * c.truePositives, 2 * c.truePositives + c.falsePositives + c.falseNegatives);
}

export function checkSameLength(a: ArrayLike<unknown>, b: ArrayLike<unknown>): void {
  if (a.length !== b.length) throw new Error(`metric inputs differ in length: ${a.length} and ${b.length}`);
}
