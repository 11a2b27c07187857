/** Seeded mutations of valid scoring requests: broken bytes, broken structure, wrong headers and paths. */
import type { SeededRandom } from "../../../src/random/seeded-random.js";

export interface MutatedRequest {
  path: string;
  headers: Record<string, string>;
  body: string | Buffer;
}

const TOKENS = [
  "{",
  "}",
  "[",
  "]",
  '"',
  "\\",
  ",",
  ":",
  "null",
  "true",
  "-",
  "1e999",
  "NaN",
  "\u0000",
  "\ud800",
  "\\u12",
  "0x1F",
  "  ",
  "é",
  "💥",
];

const VALUES: Array<() => unknown> = [
  () => null,
  () => true,
  () => -1,
  () => 1e308,
  () => 0.5,
  () => 2 ** 60,
  () => "",
  () => "x".repeat(5000),
  () => "travel",
  () => "2024-13-45",
  () => [],
  () => [1, 2, 3],
  () => ({}),
  () => ({ a: { b: { c: [] } } }),
  () => "\u0000\u001b[31m",
];

function pick<T>(random: SeededRandom, items: readonly T[]): T {
  return items[random.nextInt(items.length)]!;
}

function byteMutation(text: string, random: SeededRandom): string {
  const at = random.nextInt(Math.max(1, text.length));
  switch (random.nextInt(6)) {
    case 0:
      return text.slice(0, at) + pick(random, TOKENS) + text.slice(at + 1);
    case 1:
      return text.slice(0, at) + text.slice(at + 1 + random.nextInt(20));
    case 2:
      return text.slice(0, at) + pick(random, TOKENS) + text.slice(at);
    case 3:
      return text.slice(0, at);
    case 4:
      return text.slice(0, at) + text.slice(at, at + 30).repeat(1 + random.nextInt(5)) + text.slice(at);
    default:
      return `${"[".repeat(20 + random.nextInt(200))}${text}`;
  }
}

/** Replaces, deletes or adds one value somewhere in the parsed request. */
function structuralMutation(value: unknown, random: SeededRandom): unknown {
  const copy = JSON.parse(JSON.stringify(value)) as unknown;
  const containers: Array<Record<string, unknown> | unknown[]> = [];
  const walk = (v: unknown): void => {
    if (v !== null && typeof v === "object") {
      containers.push(v as Record<string, unknown>);
      for (const child of Object.values(v)) walk(child);
    }
  };
  walk(copy);
  const target = pick(random, containers);
  const keys = Object.keys(target);
  const key = keys.length > 0 ? pick(random, keys) : "0";
  switch (random.nextInt(4)) {
    case 0:
      (target as Record<string, unknown>)[key] = pick(random, VALUES)();
      break;
    case 1:
      if (Array.isArray(target)) target.splice(Number(key), 1);
      else delete target[key];
      break;
    case 2:
      if (Array.isArray(target)) target.push(pick(random, VALUES)());
      else target[`extra_${random.nextInt(5)}`] = pick(random, VALUES)();
      break;
    default:
      return random.nextInt(2) === 0 ? [copy] : { wrapped: copy };
  }
  return copy;
}

export function mutatedRequest(
  random: SeededRandom,
  bases: ReadonlyArray<{ path: string; body: unknown }>,
  paths: readonly string[],
): MutatedRequest {
  const base = pick(random, bases);
  let path = base.path;
  let headers: Record<string, string> = { "content-type": "application/json" };
  let body: string | Buffer;
  const kind = random.nextInt(10);
  if (kind < 4) body = byteMutation(JSON.stringify(base.body), random);
  else if (kind < 8) body = JSON.stringify(structuralMutation(base.body, random));
  else if (kind === 8) {
    body = JSON.stringify(base.body);
    headers = pick<Record<string, string>>(random, [
      {},
      { "content-type": "text/plain" },
      { "content-type": "application/json; charset=utf-16" },
      { "content-type": "multipart/form-data" },
    ]);
  } else {
    body =
      random.nextInt(2) === 0
        ? Buffer.from(Array.from({ length: 1 + random.nextInt(300) }, () => random.nextInt(256)))
        : JSON.stringify(base.body);
    path = pick(random, paths);
  }
  return { path, headers, body };
}
