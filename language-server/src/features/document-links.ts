import type { DocumentLink } from "vscode-languageserver";
import type { CompilerHost } from "@mlops/compiler";
import type { ParsedDocument } from "../workspace.js";
import { posixPath } from "@mlops/compiler";

/** Imports as links: `import "./x.mlops"` to that file, `import std.gates` to the stdlib module. */
export function documentLinks(doc: ParsedDocument, host: CompilerHost, uriOf: (path: string) => string): DocumentLink[] {
  const links: DocumentLink[] = [];
  for (const d of doc.file.declarations) {
    if (d.kind !== "Import") continue;
    let target: string | undefined;
    if (d.target.kind === "String") {
      const path = posixPath.resolveRelative(doc.path, d.target.value);
      if (host.fileExists(path)) target = path;
    } else {
      const [head, ...rest] = d.target.segments.map((s) => s.name);
      if (head === "std" && rest.length > 0) target = host.stdlibModulePath(rest.join("."));
    }
    if (target) links.push({ range: doc.lineMap.range(d.target.span), target: uriOf(target), tooltip: target });
  }
  return links;
}
