/** The README lines that say how rendered pods reach the stores (Kubernetes and Airflow). */
import type { Settings } from "./options.js";
import { SHARED_STORE_VARIABLES } from "./pod-storage.js";

/** `claims`: the PersistentVolumeClaims the rendered pods reference. */
export function storesText(settings: Settings, claims: Set<string>): string[] {
  const stores = settings.stores;
  if (stores.kind === "volume") {
    return [
      `- Single-node stores (\`--stores volume\`): the artifact store and the SQLite metadata database live on the`,
      `  PersistentVolumeClaim \`${stores.claim}\`, mounted at \`/srv/mlops/.mlops\` (referenced, not created). SQLite runs`,
      "  in rollback-journal mode (its WAL mode needs memory shared between processes, which no network volume gives), and",
      "  SQLite locks do not hold across machines: every pod must run on one node (a ReadWriteOnce claim enforces it).",
      "  Render without `--stores volume` for PostgreSQL + object storage, which any number of nodes can share.",
    ];
  }
  const required = SHARED_STORE_VARIABLES.filter((v) => !v.optional).map((v) => `\`${v.name}\``);
  const optional = SHARED_STORE_VARIABLES.filter((v) => v.optional).map((v) => `\`${v.name}\``);
  const lines = [
    `- Stores: every pod of the runtime image reads its stores from the Secret \`${stores.secret}\`: ${required.join(" and ")}`,
    `  (e.g. \`postgresql://mlops:PASSWORD@db.internal:5432/mlops\` and \`s3://ml-artifacts/PIPELINE\`), and, when set,`,
    `  ${optional.join(", ")} (leave the keys out when pods get cloud credentials from their`,
    "  ServiceAccount). Create it in every namespace below, e.g. `kubectl create secret generic " +
      `${stores.secret} --from-literal=MLOPS_DATABASE_URL=... --from-literal=MLOPS_ARTIFACT_STORE=...\`.`,
    "  Training, monitors, batch scoring and every server then see one registry, whatever their node or namespace.",
  ];
  if (claims.has(stores.outputClaim))
    lines.push(
      `- Batch deployments that write a file keep it on the PersistentVolumeClaim \`${stores.outputClaim}\` (referenced, not`,
      "  created); an `s3://` output needs no volume.",
    );
  if (claims.has(stores.requestLogClaim))
    lines.push(
      `- Servers write their request log to the ReadWriteMany claim \`${stores.requestLogClaim}\` and monitors read it there`,
      "  (referenced, not created): it must be one volume in every namespace that mounts it.",
    );
  return lines;
}
