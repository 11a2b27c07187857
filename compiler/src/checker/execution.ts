/** `placement.tolerations`: the combinations Kubernetes rejects, which the field table alone cannot say. */
import type { MergedDecl, MergedValue } from "./merge.js";
import type { ValueChecker } from "./values.js";

export function checkExecution(vc: ValueChecker, merged: MergedDecl): void {
  const tolerations = merged.fields.get("placement")?.value.fields?.get("tolerations")?.value;
  if (tolerations?.expr.kind !== "List") return;
  for (const element of tolerations.expr.elements) {
    if (element.kind === "Record") checkToleration(vc, element, tolerations.owner);
  }
}

function checkToleration(vc: ValueChecker, record: MergedValue["expr"] & { kind: "Record" }, owner: MergedValue["owner"]): void {
  const field = (name: string) => record.fields.find((f) => f.key.name === name);
  const operator = field("operator");
  const exists = operator?.value.kind === "Name" && operator.value.name.name === "exists";
  const value = field("value");
  if (exists && value) {
    vc.ctx.report(owner.file, "type-mismatch", value.span, "a toleration with `operator = exists` matches any value: remove `value`");
  }
  if (!exists && !field("key")) {
    vc.ctx.report(
      owner.file,
      "missing-field",
      record.span,
      "a toleration without `key` must say `operator = exists` (it then tolerates every taint)",
      ['add `key = "..."`, or `operator = exists`'],
    );
  }
}
