/** `notifier`: where `alert(...)` actions post. Its fields are checked by the block's field table. */
import type { NotifierInfo } from "./infos.js";
import type { MergedDecl } from "./merge.js";

export function checkNotifier(merged: MergedDecl): NotifierInfo {
  const format = merged.fields.get("format")?.value.expr;
  return { kind: "notifier", format: format?.kind === "Name" ? format.name.name : "json" };
}
