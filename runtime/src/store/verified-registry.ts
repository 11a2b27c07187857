/**
 * The rule "an alias never points at a version whose artifacts are missing or corrupt", applied in
 * front of any `ModelRegistry`: `promote` and `rollback` check the target version's model and
 * features artifacts (present and hash-correct) before the alias moves.
 */
import { RegistryError, type AliasChange, type ModelRegistry, type ModelVersion, type PromoteOptions } from "./model-registry.js";

export type VersionCheck = (version: ModelVersion) => Promise<void>;

export function withArtifactCheck(inner: ModelRegistry, check: VersionCheck | undefined): ModelRegistry {
  if (!check) return inner;
  const verify = async (model: string, version: number, action: string): Promise<void> => {
    const found = await inner.getVersion(model, version);
    if (!found) return; // the registry's own error names it
    try {
      await check(found);
    } catch (error) {
      throw new RegistryError(
        "bad-artifact",
        `cannot ${action} ${model} v${version}: ${(error as Error).message}; the alias was not moved`,
      );
    }
  };
  return {
    registerVersion: (input) => inner.registerVersion(input),
    getAlias: (model, alias) => inner.getAlias(model, alias),
    getVersion: (model, version) => inner.getVersion(model, version),
    listModels: () => inner.listModels(),
    showModel: (name) => inner.showModel(name),
    listAudit: (options) => inner.listAudit(options),
    recordAudit: (entry) => inner.recordAudit(entry),
    rollbackTarget: (model, alias) => inner.rollbackTarget(model, alias),
    removeAlias: (model, alias, options) => inner.removeAlias(model, alias, options),
    async promote(model: string, version: number, alias: string, options?: PromoteOptions): Promise<AliasChange> {
      await verify(model, version, `promote`);
      return inner.promote(model, version, alias, options);
    },
    async rollback(model: string, alias: string, options: { reason?: string; expectedTarget?: number } = {}): Promise<AliasChange> {
      const target = options.expectedTarget ?? (await inner.rollbackTarget(model, alias));
      await verify(model, target, `roll ${alias} back to`);
      return inner.rollback(model, alias, { ...options, expectedTarget: target });
    },
  };
}
