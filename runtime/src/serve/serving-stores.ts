/** The serving view of the project's stores: alias resolution in the registry and hash-checked artifact reads. */
import type { Stores } from "../store/open-stores.js";
import type { ServingStores } from "./model-loader.js";

export function servingStores(stores: Stores): ServingStores {
  return {
    resolveAlias: (model, alias) => stores.metadata.registry.getAlias(model, alias),
    artifact: (hash) => stores.artifacts.get(hash),
  };
}
