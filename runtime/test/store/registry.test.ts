import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { SqliteMetadataStore } from "../../src/store/sqlite/sqlite-metadata-store.js";
import { RegistryError } from "../../src/store/model-registry.js";

let dir = "";
let store: SqliteMetadataStore;
async function open(user: string): Promise<SqliteMetadataStore> {
  dir ||= mkdtempSync(join(tmpdir(), "mlops-registry-"));
  let t = Date.parse("2026-02-01T00:00:00Z");
  store = await SqliteMetadataStore.forProject(dir, { user, now: () => new Date((t += 60_000)) });
  return store;
}
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  dir = "";
});

async function registryError(f: () => Promise<unknown>): Promise<RegistryError> {
  try {
    await f();
  } catch (error) {
    if (error instanceof RegistryError) return error;
    throw error;
  }
  throw new Error("expected a RegistryError");
}

describe("model registry", () => {
  it("numbers versions per model and does not duplicate a re-registration", async () => {
    const { registry } = await open("alice");
    const v1 = await registry.registerVersion({
      model: "fraud",
      artifactHash: "m1",
      featuresHash: "f1",
      metrics: { auc: 0.9 },
      lineage: { plan: "P", data: ["D"] },
      runId: "r1",
      planHash: "P",
    });
    expect(v1).toMatchObject({
      model: "fraud",
      version: 1,
      created: true,
      metrics: { auc: 0.9 },
      lineage: { plan: "P", data: ["D"] },
      createdBy: "alice",
    });
    expect(await registry.registerVersion({ model: "fraud", artifactHash: "m1", featuresHash: "f1" })).toMatchObject({
      version: 1,
      created: false,
    });
    expect((await registry.registerVersion({ model: "fraud", artifactHash: "m2", featuresHash: "f1" })).version).toBe(2);
    expect((await registry.registerVersion({ model: "iris", artifactHash: "m1" })).version).toBe(1);
    expect(await registry.listModels()).toEqual([
      { name: "fraud", createdAt: expect.any(String), versions: 2, latestVersion: 2, aliases: {} },
      { name: "iris", createdAt: expect.any(String), versions: 1, latestVersion: 1, aliases: {} },
    ]);
  });

  it("promotes, rolls back to previous holders, and audits who/when/what/why", async () => {
    const { registry } = await open("bob");
    for (const h of ["a", "b", "c"]) await registry.registerVersion({ model: "fraud", artifactHash: h });
    expect(await registry.promote("fraud", 1, "production", { reason: "first release" })).toEqual({
      model: "fraud",
      alias: "production",
      version: 1,
      previousVersion: null,
    });
    await registry.promote("fraud", 2, "production", { reason: "better auc" });
    await registry.promote("fraud", 3, "production");
    await registry.promote("fraud", 3, "staging");
    expect((await registry.getAlias("fraud", "production"))!.version).toBe(3);
    expect(await registry.rollback("fraud", "production", { reason: "v3 errors" })).toEqual({
      model: "fraud",
      alias: "production",
      version: 2,
      previousVersion: 3,
    });
    expect((await registry.rollback("fraud", "production")).version).toBe(1);
    const none = await registryError(() => registry.rollback("fraud", "production"));
    expect(none.code).toBe("no-previous");
    expect(none.message).toBe("alias production of model fraud has no previous version to roll back to (it holds version 1)");
    expect((await registry.getAlias("fraud", "staging"))!.version).toBe(3);
    const shown = await registry.showModel("fraud");
    expect(shown.aliases).toEqual({ production: 1, staging: 3 });
    expect(shown.versionList.find((v) => v.version === 1)!.aliases).toEqual(["production"]);
    expect(shown.audit.map((a) => [a.user, a.action, a.version, a.alias, a.reason])).toEqual([
      ["bob", "register", 1, null, null],
      ["bob", "register", 2, null, null],
      ["bob", "register", 3, null, null],
      ["bob", "promote", 1, "production", "first release"],
      ["bob", "promote", 2, "production", "better auc"],
      ["bob", "promote", 3, "production", null],
      ["bob", "promote", 3, "staging", null],
      ["bob", "rollback", 2, "production", "v3 errors"],
      ["bob", "rollback", 1, "production", null],
    ]);
    expect(shown.audit[7]!.details).toEqual({ previousVersion: 3 });
    const times = shown.audit.map((a) => a.at);
    expect([...times].sort()).toEqual(times);
  });

  it("rejects unknown models, versions and aliases with clear messages", async () => {
    const { registry } = await open("carol");
    await registry.registerVersion({ model: "fraud", artifactHash: "a" });
    expect((await registryError(() => registry.promote("fraud", 9, "production"))).message).toBe("model fraud has no version 9");
    expect((await registryError(() => registry.promote("nope", 1, "production"))).code).toBe("unknown-model");
    expect((await registryError(() => registry.rollback("fraud", "production"))).message).toBe(
      "model fraud has no alias production to roll back",
    );
    await expect(registry.showModel("nope")).rejects.toThrow("no model nope in the registry");
    expect(await registry.getAlias("fraud", "production")).toBeNull();
  });
});
