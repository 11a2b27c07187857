import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../src/util/sha256.js";

const node = (input: string | Uint8Array) => createHash("sha256").update(input).digest("hex");

describe("sha256Hex (the compiler's own, for hosts without a native one)", () => {
  it("gives Node's digests for empty, short, block-boundary, long and non-ASCII input", () => {
    const inputs = ["", "abc", "a".repeat(55), "a".repeat(56), "a".repeat(64), "x".repeat(1000), "ünïcødé 😀 ${}"];
    for (const input of inputs) expect(sha256Hex(input), JSON.stringify(input)).toBe(node(input));
    const bytes = Uint8Array.from({ length: 300 }, (_, i) => (i * 37) & 0xff);
    expect(sha256Hex(bytes)).toBe(node(bytes));
  });
});
