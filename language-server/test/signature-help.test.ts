import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SignatureHelp } from "vscode-languageserver-protocol";
import { buildServer } from "./support/build-server.js";
import { CONFORMANCE, positionOf, read } from "./support/fixtures.js";
import { LspClient } from "./support/lsp-client.js";

let client: LspClient;
let fraudUri: string;
const fraud = read(join(CONFORMANCE, "valid/fraud.mlops"));
const dir = mkdtempSync(join(tmpdir(), "mlops-ls-sig-"));

beforeAll(async () => {
  client = await LspClient.start(await buildServer(), { rootPath: dir });
  const path = join(dir, "fraud.mlops");
  writeFileSync(path, fraud);
  fraudUri = await client.open(path);
});
afterAll(async () => {
  await client?.stop();
});

async function helpAt(
  uri: string,
  text: string,
  needle: string,
  delta: number,
): Promise<{ label: string; active: string | undefined } | null> {
  const help = await client.request<SignatureHelp | null>("textDocument/signatureHelp", {
    textDocument: { uri },
    position: positionOf(text, needle, delta),
  });
  if (!help) return null;
  const signature = help.signatures[help.activeSignature ?? 0]!;
  const parameter = signature.parameters?.[help.activeParameter ?? 0];
  const label = parameter
    ? Array.isArray(parameter.label)
      ? signature.label.slice(parameter.label[0], parameter.label[1])
      : parameter.label
    : undefined;
  return { label: signature.label, active: label };
}

describe("signature help over stdio", () => {
  it("shows a standard function's parameters with the one being written", async () => {
    expect(
      await helpAt(fraudUri, fraud, 'hash_bucket(coalesce(country, "unknown"), 32)', 'hash_bucket(coalesce(country, "unknown"), '.length),
    ).toEqual({
      label: "hash_bucket(x: categorical, n: int) -> vector<float, n>",
      active: "n: int",
    });
    expect(await helpAt(fraudUri, fraud, 'coalesce(country, "unknown")', "coalesce(".length)).toMatchObject({ active: "x: T?" });
  });

  it("shows the fields of a constructor, the current one active", async () => {
    const help = await helpAt(
      fraudUri,
      fraud,
      "logistic_regression { epochs = 200, learning_rate",
      "logistic_regression { epochs = 200, learn".length,
    );
    expect(help?.label).toBe(
      "logistic_regression { epochs?: int in 1..1000000 = 100, learning_rate?: number in 0..10 = 0.1, l2?: number in 0..∞ = 0, batch_size?: int in 1..∞ = 0 (full batch), tolerance?: number in 0..∞ = 0.000001 }",
    );
    expect(help?.active).toBe("learning_rate?: number in 0..10 = 0.1");
    const k8s = await helpAt(fraudUri, fraud, "    memory    = 512Mi", 6);
    expect(k8s?.label.startsWith("kubernetes { namespace: string, image: string, replicas?: int in 1..10000")).toBe(true);
    expect(k8s?.active).toBe("memory: memory");
  });

  it("helps inside a call that is not closed yet, and says nothing outside calls", async () => {
    const path = join(dir, "typing.mlops");
    const text = "features f from s {\n  a = clip(x, 0, \n}\n";
    writeFileSync(path, text);
    const uri = await client.open(path, text);
    expect(await helpAt(uri, text, "clip(x, 0, ", "clip(x, 0, ".length)).toMatchObject({
      label: "clip(x: number, lo: number, hi: number) -> number",
      active: "hi: number",
    });
    expect(await helpAt(uri, text, "features f", 3)).toBeNull();
  });

  it("shows aggregates inside expect", async () => {
    expect(await helpAt(fraudUri, fraud, "null_rate(country)", "null_rate(".length)).toMatchObject({
      label: "null_rate(c) -> ratio",
      active: "c",
    });
  });
});
