import { createHash } from "node:crypto";
import { spawnSync } from "node:child_process";
import { composeLiteral, dockerExecForm, jsonString, kubeletLiteral, neutralizeJinja, pythonString, shellWord } from "@mlops/compiler";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalJson } from "../../compiler/src/util/canonical-json.js";
import { sha256Hex } from "../../compiler/src/util/sha256.js";
import { TEMPLATES } from "../../compiler/src/render/templates.js";
import { ESCAPING_HELPERS } from "../../compiler/src/render/helpers.js";
import { composeExpand, kubeletExpand } from "./support/fixtures.js";
import { evalPythonStrings, hasPython } from "./support/python.js";
import { renderJinja } from "./support/jinja.js";
import { HOSTILE } from "./support/hostile.js";

describe("sha256", () => {
  it("matches the FIPS 180-4 vectors", () => {
    expect(sha256Hex("")).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect(sha256Hex("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")).toBe(
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
    );
    expect(sha256Hex("a".repeat(1_000_000))).toBe("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  });

  it("agrees with node:crypto on any input, across padding boundaries", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(sha256Hex(bytes)).toBe(createHash("sha256").update(bytes).digest("hex"));
      }),
    );
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (text) => {
        expect(sha256Hex(text)).toBe(createHash("sha256").update(text, "utf8").digest("hex"));
      }),
    );
  });
});

describe("canonical JSON", () => {
  it("sorts keys (integer-like keys included) and is whitespace-free", () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: 3 }], "10": 0, "2": 0, u: undefined })).toBe('{"10":0,"2":0,"a":[{"c":3,"d":2}],"b":1}');
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(JSON.parse(canonicalJson(value))).toEqual(JSON.parse(JSON.stringify(value)));
        expect(canonicalJson(JSON.parse(canonicalJson(value)))).toBe(canonicalJson(value));
      }),
    );
  });
});

describe("escaping", () => {
  const samples = [...HOSTILE, ...fc.sample(fc.string({ unit: "binary" }), 200), ...fc.sample(fc.string({ unit: "grapheme" }), 50)];

  it.skipIf(!hasPython)("pythonString is a single-line ASCII Python literal with the exact value", () => {
    const literals = samples.map(pythonString);
    for (const literal of literals) expect(literal).toMatch(/^"[\x20-\x7e]*"$/);
    expect(evalPythonStrings(literals)).toEqual(samples);
  });

  it("jsonString and dockerExecForm are ASCII JSON with the exact value", () => {
    for (const sample of samples) {
      expect(jsonString(sample)).toMatch(/^"[\x20-\x7e]*"$/);
      expect(JSON.parse(jsonString(sample))).toBe(sample);
    }
    expect(JSON.parse(dockerExecForm(samples))).toEqual(samples);
  });

  it("shellWord is read back by sh as the exact word", () => {
    const words = samples.filter(
      (s) => !s.includes("\u0000") && !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s),
    );
    const script = words.map((w) => `printf '%s\\0' ${shellWord(w)}`).join("\n");
    const result = spawnSync("/bin/sh", ["-c", script], { encoding: "utf8" });
    expect(result.status).toBe(0);
    expect(result.stdout.split("\0").slice(0, -1)).toEqual(words);
  });

  it("neutralizeJinja leaves no Jinja syntax of the input and renders back to the exact value", () => {
    for (const sample of samples) {
      const text = neutralizeJinja(sample, [".md"]);
      expect(renderJinja(text)).toBe(sample);
      expect(text.replace(/\{\{ '(\{|\\r|)' \}\}/g, "")).not.toMatch(/\{[{%#]|\r/);
    }
  });

  it("kubelet and compose literals expand back to the exact value", () => {
    for (const sample of samples) {
      expect(kubeletExpand(kubeletLiteral(sample))).toBe(sample);
      expect(composeExpand(composeLiteral(sample))).toBe(sample);
    }
  });
});

describe("templates", () => {
  it("print values only through escaping helpers", () => {
    const helpers = new Set(Object.keys(ESCAPING_HELPERS));
    const blocks = new Set(["if", "each", "unless", "else"]);
    const problems: string[] = [];
    for (const [name, source] of Object.entries(TEMPLATES)) {
      if (source.includes("{{{") || source.includes("{{&")) problems.push(`${name}: triple-stash or & prints raw`);
      for (const match of source.matchAll(/\{\{~?\s*([^}]*?)\s*~?\}\}/g)) {
        const body = match[1]!;
        if (/^[#/]/.test(body)) {
          if (!blocks.has(body.slice(1).split(/\s+/)[0]!)) problems.push(`${name}: unknown block ${match[0]}`);
          continue;
        }
        if (/^!/.test(body) || body === "else" || /^else if /.test(body)) continue;
        const [helper, ...args] = body.split(/\s+/);
        if (!helpers.has(helper!) || args.length !== 1) problems.push(`${name}: ${match[0]} prints a value without an escaping helper`);
      }
    }
    expect(problems).toEqual([]);
  });
});
