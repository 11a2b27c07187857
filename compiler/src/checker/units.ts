/**
 * Quantity units (LANGUAGE.md §1): a number literal's unit is read against the
 * type of the slot it stands in. Values are normalised as the plan wants them:
 * durations in milliseconds, cpu in millicores, memory in bytes, ratios in 0..1.
 */
export type QuantityKind = "duration" | "cpu" | "memory" | "ratio";

const DURATION: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const CPU: Record<string, number> = { m: 1 };
const MEMORY: Record<string, number> = {
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
  K: 1000,
  M: 1000 ** 2,
  G: 1000 ** 3,
  T: 1000 ** 4,
};
const RATIO: Record<string, number> = { "%": 0.01 };

const TABLES: Record<QuantityKind, Record<string, number>> = { duration: DURATION, cpu: CPU, memory: MEMORY, ratio: RATIO };

/** What a plain number (no unit) means in each kind of slot; undefined = a unit is required. */
const PLAIN: Record<QuantityKind, number | undefined> = { duration: undefined, cpu: 1000, memory: 1, ratio: 1 };

export const UNIT_DOCS: Record<QuantityKind, Record<string, string>> = {
  duration: { ms: "milliseconds", s: "seconds", m: "minutes", h: "hours", d: "days", w: "weeks" },
  cpu: { m: "millicores (1000m = 1 core)" },
  memory: {
    Ki: "kibibytes (1024 bytes)",
    Mi: "mebibytes (1024² bytes)",
    Gi: "gibibytes (1024³ bytes)",
    Ti: "tebibytes (1024⁴ bytes)",
    K: "kilobytes (1000 bytes)",
    M: "megabytes (1000² bytes)",
    G: "gigabytes (1000³ bytes)",
    T: "terabytes (1000⁴ bytes)",
  },
  ratio: { "%": "percent (70% = 0.7)" },
};

export function validUnits(kind: QuantityKind): string[] {
  return Object.keys(TABLES[kind]);
}

export function isUnitOf(kind: QuantityKind, unit: string): boolean {
  return Object.hasOwn(TABLES[kind], unit);
}

/** The quantity kind a unit means when the slot does not say (`%` a ratio, `10m` minutes...). */
export function defaultKindOfUnit(unit: string): QuantityKind | undefined {
  if (unit in DURATION) return "duration";
  if (unit in MEMORY) return "memory";
  if (unit === "%") return "ratio";
  return undefined;
}

/**
 * The normalised value of `value unit` in a slot of `kind`, or undefined when the
 * unit has no meaning there (or a unit is required and missing).
 */
export function normalizeQuantity(kind: QuantityKind, value: number, unit: string | undefined): number | undefined {
  if (unit === undefined) {
    const plain = PLAIN[kind];
    return plain === undefined ? undefined : value * plain;
  }
  const factor = TABLES[kind][unit];
  if (factor === undefined) return undefined;
  const result = value * factor;
  // 0.1 * 3 style float noise would leak into plans; units give exact decimals.
  return Number(result.toPrecision(12));
}

/** A duration in milliseconds as the language writes it: `0s`, `90s`, `2h`, `1w`, `1500ms`. */
export function durationLiteral(ms: number): string {
  if (ms === 0) return "0s";
  for (const [unit, size] of [
    ["w", 604_800_000],
    ["d", 86_400_000],
    ["h", 3_600_000],
    ["m", 60_000],
    ["s", 1000],
  ] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

/** Human text of a normalised quantity for hover: `536,870,912 bytes`, `600,000 ms (10 min)`. */
export function describeQuantity(kind: QuantityKind, normalised: number): string {
  const n = groupThousands(normalised);
  switch (kind) {
    case "duration":
      return `${n} ms${humanDuration(normalised)}`;
    case "cpu":
      return `${n} millicores (${groupThousands(Number((normalised / 1000).toFixed(3)))} cores)`;
    case "memory":
      return `${n} bytes`;
    case "ratio":
      return `${n} (${Number((normalised * 100).toPrecision(12))}%)`;
  }
}

function humanDuration(ms: number): string {
  const units: Array<[number, string]> = [
    [604_800_000, "w"],
    [86_400_000, "d"],
    [3_600_000, "h"],
    [60_000, "min"],
    [1000, "s"],
  ];
  for (const [size, name] of units) if (ms >= size && ms % size === 0) return ` (${ms / size} ${name})`;
  return "";
}

/** `536870912` → `536,870,912` (toLocaleString is far too slow for a hot path). */
export function groupThousands(n: number): string {
  const [int, frac] = String(Number(n.toFixed(6))).split(".");
  const sign = int!.startsWith("-") ? "-" : "";
  const digits = sign ? int!.slice(1) : int!;
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${sign}${grouped}${frac ? `.${frac}` : ""}`;
}
