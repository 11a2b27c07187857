/** The problems list under the editor: every diagnostic of the project, with its id, file and line; Enter or a click goes there. */
import type * as lsp from "vscode-languageserver-protocol";
import type { PublishedDiagnostics } from "../lsp/diagnostics.js";

const SEVERITY = ["", "error", "warning", "info", "hint"];

export function renderProblems(
  list: HTMLElement,
  count: HTMLElement,
  published: PublishedDiagnostics[],
  nameOf: (uri: string) => string,
  reveal: (uri: string, range: lsp.Range) => void,
): void {
  const items: HTMLLIElement[] = [];
  for (const { uri, diagnostics } of [...published].sort((a, b) => nameOf(a.uri).localeCompare(nameOf(b.uri)))) {
    for (const d of diagnostics) {
      const text = typeof d.message === "string" ? d.message : d.message.value;
      const severity = SEVERITY[d.severity ?? 1] ?? "error";
      const item = document.createElement("li");
      item.className = `problem ${severity}`;
      item.dataset.code = String(d.code ?? "");
      item.dataset.line = String(d.range.start.line + 1);
      item.dataset.file = nameOf(uri);
      const button = document.createElement("button");
      button.type = "button";
      const where = document.createElement("span");
      where.className = "where";
      where.textContent = `${nameOf(uri)}:${d.range.start.line + 1}:${d.range.start.character + 1}`;
      const code = document.createElement("span");
      code.className = "code";
      code.textContent = String(d.code ?? severity);
      const message = document.createElement("span");
      message.className = "message";
      message.textContent = text.split("\n")[0] ?? "";
      button.append(where, code, message);
      button.title = text;
      button.setAttribute("aria-label", `${severity} ${d.code ?? ""} at ${where.textContent}: ${text}`);
      button.addEventListener("click", () => reveal(uri, d.range));
      item.append(button);
      items.push(item);
    }
  }
  list.replaceChildren(...items);
  count.textContent = String(items.length);
}
