import { type ConstValue, durationLiteral } from "@mlops/compiler";

/** A normalised constant written back in the language's notation for its declared type (`0.9` ratio → `90%`). */
export function formatConstValue(value: ConstValue, typeText?: string): string {
  if (typeof value === "number") {
    switch (typeText) {
      case "ratio":
        return `${round(value * 100)}%`;
      case "duration":
        return durationLiteral(value);
      case "memory":
        return formatMemory(value);
      case "cpu":
        return value % 1000 === 0 ? String(value / 1000) : `${value}m`;
      default:
        return String(value);
    }
  }
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return `[${value.map((v) => formatConstValue(v)).join(", ")}]`;
  switch (value.kind) {
    case "record":
      return `{ ${Object.entries(value.fields)
        .map(([k, v]) => `${k} = ${formatConstValue(v)}`)
        .join(", ")} }`;
    case "constructor":
      return `${value.name} { … }`;
    case "secret":
      return `secret(${JSON.stringify(value.name)}, ${JSON.stringify(value.key)})`;
    case "schedule":
      return "schedule";
  }
}

function round(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}

export function formatMemory(bytes: number): string {
  for (const [unit, size] of [
    ["Ti", 1024 ** 4],
    ["Gi", 1024 ** 3],
    ["Mi", 1024 ** 2],
    ["Ki", 1024],
  ] as const) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return `${bytes}`;
}
