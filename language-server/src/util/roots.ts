import { posixPath } from "@mlops/compiler";
import type { Workspace } from "../workspace.js";

interface Outline {
  hasPipeline: boolean;
  imports: string[];
}

const outlines = new Map<string, { text: string; outline: Outline }>();

/** What decides compilations, read from the text without parsing (cheap on every keystroke). */
function outline(workspace: Workspace, path: string): Outline | undefined {
  const text = workspace.text(path);
  if (text === undefined) return undefined;
  const cached = outlines.get(path);
  if (cached && cached.text === text) return cached.outline;
  const hasPipeline = /^[ \t]*pipeline[ \t]+[A-Za-z_]/m.test(text);
  const imports = [...text.matchAll(/^[ \t]*import[ \t]+"([^"\n]*)"/gm)].map((m) => posixPath.resolveRelative(path, m[1]!));
  const result = { hasPipeline, imports };
  outlines.set(path, { text, outline: result });
  return result;
}

/**
 * The root of the compilation `path` belongs to: the file itself when it
 * declares a `pipeline` or nothing imports it; otherwise the first workspace
 * file with a `pipeline` that imports it, directly or through other files.
 */
export function compilationRoot(workspace: Workspace, path: string): string {
  const own = outline(workspace, path);
  if (!own || own.hasPipeline) return path;
  const importers = new Map<string, string[]>();
  for (const candidate of workspace.allPaths()) {
    for (const target of outline(workspace, candidate)?.imports ?? []) {
      const list = importers.get(target);
      if (list) list.push(candidate);
      else importers.set(target, [candidate]);
    }
  }
  const seen = new Set<string>([path]);
  const queue = [path];
  const roots: string[] = [];
  while (queue.length > 0) {
    const current = queue.shift()!;
    for (const importer of importers.get(current) ?? []) {
      if (seen.has(importer)) continue;
      seen.add(importer);
      if (outline(workspace, importer)?.hasPipeline) roots.push(importer);
      queue.push(importer);
    }
  }
  return roots.sort()[0] ?? path;
}
