import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, expect, it } from "vitest";
import { FileArtifactStore } from "../../src/store/file/file-artifact-store.js";
import type { MetadataStore } from "../../src/store/metadata-store.js";
import { RegistryError, type ModelVersion } from "../../src/store/model-registry.js";
import { describeBackends } from "./support/backends.js";

async function registryError(f: () => Promise<unknown>): Promise<RegistryError> {
  try {
    await f();
  } catch (error) {
    if (error instanceof RegistryError) return error;
    throw error;
  }
  throw new Error("expected a RegistryError");
}

describeBackends("model registry", (backend) => {
  let store: MetadataStore | undefined;
  const dirs: string[] = [];
  async function open(user: string, verifyVersion?: (v: ModelVersion) => Promise<void>): Promise<MetadataStore> {
    let t = Date.parse("2026-02-01T00:00:00Z");
    store = await backend.open(await backend.fresh(), {
      user,
      now: () => new Date((t += 60_000)),
      ...(verifyVersion ? { verifyVersion } : {}),
    });
    return store;
  }
  afterEach(async () => {
    await store?.close();
    store = undefined;
  });
  afterAll(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

  it("keeps what a monitor did in the audit trail, in order with the alias moves, through the artifact check", async () => {
    const { registry } = await open("monitor-bot", async () => {});
    await registry.registerVersion({ model: "fraud", artifactHash: "m1", reason: "passed gate" });
    await registry.promote("fraud", 1, "production");
    const details = { monitor: "drift", action: "alert(oncall)", monitorRun: "r9", outcome: "alert posted", nested: { n: [1, 2] } };
    await registry.recordAudit({
      action: "monitor",
      model: "fraud",
      version: 1,
      reason: "drift: psi > 0.2 => alert(oncall) → alert posted",
      details,
    });
    const audit = (await registry.showModel("fraud")).audit;
    expect(audit.map((a) => a.action)).toEqual(["register", "promote", "monitor"]);
    expect(audit[2]).toMatchObject({
      user: "monitor-bot",
      model: "fraud",
      version: 1,
      alias: null,
      reason: "drift: psi > 0.2 => alert(oncall) → alert posted",
      details,
    });
    expect(audit[2]!.at > audit[1]!.at).toBe(true);
  });

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

  it("keeps a rolled-back version out of automatic promotion until it is promoted by hand", async () => {
    const { registry } = await open("dana");
    for (const h of ["a", "b", "c"]) await registry.registerVersion({ model: "fraud", artifactHash: h });
    await registry.promote("fraud", 1, "production");
    await registry.promote("fraud", 2, "production");
    await registry.rollback("fraud", "production", { reason: "v2 errors in checkout" });
    const held = await registry.promote("fraud", 2, "production", { respectRollbacks: true, reason: "deploy" });
    expect(held).toEqual({
      model: "fraud",
      alias: "production",
      version: 1,
      previousVersion: 1,
      heldBack: { version: 2, at: expect.any(String), by: "dana", reason: "v2 errors in checkout" },
    });
    expect((await registry.getAlias("fraud", "production"))!.version).toBe(1);
    // a new version is not held back
    expect((await registry.promote("fraud", 3, "production", { respectRollbacks: true })).heldBack).toBeUndefined();
    expect((await registry.getAlias("fraud", "production"))!.version).toBe(3);
    // a person may put v2 back; after that, automatic promotions no longer hold it back
    await registry.promote("fraud", 2, "production", { reason: "fixed upstream" });
    await registry.promote("fraud", 3, "production");
    expect((await registry.promote("fraud", 2, "production", { respectRollbacks: true })).heldBack).toBeUndefined();
    expect((await registry.getAlias("fraud", "production"))!.version).toBe(2);
  });

  it("refuses to move an alias to a version whose artifacts are missing or corrupt", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mlops-registry-artifacts-"));
    dirs.push(dir);
    const artifacts = await FileArtifactStore.open(dir);
    const { registry } = await open("erin", async (v) => {
      await artifacts.verify(v.artifactHash);
      if (v.featuresHash) await artifacts.verify(v.featuresHash);
    });
    const features = (await artifacts.put("features")).hash;
    const good = (await artifacts.put("model one")).hash;
    const bad = (await artifacts.put("model two")).hash;
    await registry.registerVersion({ model: "fraud", artifactHash: good, featuresHash: features });
    await registry.registerVersion({ model: "fraud", artifactHash: bad, featuresHash: features });
    await registry.promote("fraud", 1, "production");
    writeFileSync(artifacts.pathOf(bad), "tampered");
    const refused = await registryError(() => registry.promote("fraud", 2, "production"));
    expect(refused.code).toBe("bad-artifact");
    expect(refused.message).toBe(
      `cannot promote fraud v2: artifact ${bad} is corrupt: ${artifacts.pathOf(bad)} has sha256 ` +
        `${(await import("node:crypto")).createHash("sha256").update("tampered").digest("hex")} (tampered with or damaged); ` +
        "delete it and run again to rebuild it; the alias was not moved",
    );
    expect((await registry.getAlias("fraud", "production"))!.version).toBe(1);
    writeFileSync(artifacts.pathOf(bad), "model two");
    await registry.promote("fraud", 2, "production");
    rmSync(artifacts.pathOf(good));
    const missing = await registryError(() => registry.rollback("fraud", "production"));
    expect(missing.message).toBe(
      `cannot roll production back to fraud v1: artifact ${good} is missing: no file ${artifacts.pathOf(good)}; the alias was not moved`,
    );
    expect((await registry.getAlias("fraud", "production"))!.version).toBe(2);
    expect((await registry.listAudit({ model: "fraud" })).map((a) => a.action)).toEqual(["register", "register", "promote", "promote"]);
  });

  it("removes an alias with its holder history (an aborted canary), audited", async () => {
    const { registry } = await open("carol");
    for (const hash of ["m1", "m2", "m3"]) await registry.registerVersion({ model: "fraud", artifactHash: hash });
    await registry.promote("fraud", 1, "production");
    await registry.promote("fraud", 2, "canary");
    await registry.promote("fraud", 3, "canary");
    expect(await registry.removeAlias("fraud", "canary", { reason: "abort" })).toMatchObject({ alias: "canary", version: 3 });
    expect(await registry.getAlias("fraud", "canary")).toBeNull();
    expect((await registry.getAlias("fraud", "production"))!.version).toBe(1);
    expect((await registry.listAudit({ model: "fraud" })).at(-1)).toMatchObject({
      action: "unalias",
      version: 3,
      alias: "canary",
      reason: "abort",
    });
    expect((await registry.showModel("fraud")).aliases).toEqual({ production: 1 });
    await registry.promote("fraud", 3, "canary");
    expect((await registryError(() => registry.rollback("fraud", "canary"))).code).toBe("no-previous");
    await registry.removeAlias("fraud", "canary");
    expect((await registryError(() => registry.removeAlias("fraud", "canary"))).code).toBe("no-alias");
    expect((await registryError(() => registry.removeAlias("nope", "canary"))).code).toBe("unknown-model");
  });
});
