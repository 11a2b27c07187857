/**
 * The playground page: Monaco with the `.mlops` language (TextMate grammar,
 * language server in a Web Worker), the project's files in tabs, problems,
 * and the compiled plan, DAG and artifacts beside it.
 */
import "./styles.css";
import "playground:monaco-features";
import "monaco-editor/languages/definitions/yaml/register.js";
import "monaco-editor/languages/definitions/python/register.js";
import "monaco-editor/languages/definitions/dockerfile/register.js";
import "monaco-editor/languages/definitions/markdown/register.js";
import { editor, Emitter, type IRange, Range } from "monaco-editor/editor/editor.api.js";
import content from "playground:content";
import type * as lsp from "vscode-languageserver-protocol";
import { registerPlanJson } from "./language/json-language.js";
import { MLOPS, registerMlopsLanguage } from "./language/mlops-language.js";
import { installTextMateTokens } from "./language/textmate-tokens.js";
import { DARK, defineThemes, LIGHT } from "./language/themes.js";
import { startLanguageServer } from "./lsp/connection.js";
import { DiagnosticsStore } from "./lsp/diagnostics.js";
import { DocumentSync } from "./lsp/documents.js";
import { registerProviders } from "./lsp/providers.js";
import { Outputs } from "./panes/outputs.js";
import { renderProblems } from "./panes/problems.js";
import { Project, type ProjectSnapshot } from "./project/project.js";
import { decodeProject, encodeProject } from "./project/share.js";
import { renderFileTabs } from "./ui/file-tabs.js";

declare global {
  interface Window {
    MonacoEnvironment?: { getWorker(workerId: string, label: string): Worker };
  }
}

const DEFAULT_EXAMPLE = "fraud";
const THEME_KEY = "mlops-playground-theme";

function byId<T extends HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the page has no #${id}`);
  return element as T;
}

function say(message: string): void {
  const box = byId("message");
  box.textContent = message;
  box.hidden = message === "";
}

function exampleSnapshot(name: string): ProjectSnapshot {
  const example = content.examples.find((e) => e.name === name) ?? content.examples[0];
  if (!example) return { files: { "main.mlops": "" }, active: "main.mlops" };
  return { files: { ...example.files }, active: Object.keys(example.files)[0]! };
}

function setTheme(dark: boolean): void {
  document.documentElement.classList.toggle("dark", dark);
  editor.setTheme(dark ? DARK : LIGHT);
  const button = byId<HTMLButtonElement>("theme-button");
  button.setAttribute("aria-pressed", String(dark));
  button.textContent = dark ? "Light theme" : "Dark theme";
}

function initialTheme(): boolean {
  const saved = localStorage.getItem(THEME_KEY);
  return saved ? saved === "dark" : window.matchMedia("(prefers-color-scheme: dark)").matches;
}

function fillOpenMenu(select: HTMLSelectElement): void {
  const placeholder = new Option("Examples and stdlib…", "");
  const examples = document.createElement("optgroup");
  examples.label = "Examples";
  for (const example of content.examples) examples.append(new Option(example.name, `example:${example.name}`));
  const stdlib = document.createElement("optgroup");
  stdlib.label = "Standard library (read-only)";
  for (const module of Object.keys(content.stdlib)) stdlib.append(new Option(`std.${module}`, `std:${module}`));
  select.replaceChildren(placeholder, examples, stdlib);
}

async function main(): Promise<void> {
  window.MonacoEnvironment = {
    getWorker: () => new Worker(new URL("editor.worker.js", document.baseURI), { type: "module", name: "monaco editor" }),
  };
  registerMlopsLanguage();
  registerPlanJson();
  defineThemes();
  setTheme(initialTheme());

  const mainEditor = editor.create(byId("editor"), {
    model: null,
    automaticLayout: true,
    minimap: { enabled: false },
    inlayHints: { enabled: "on" },
    fixedOverflowWidgets: true,
    scrollBeyondLastLine: false,
    tabSize: 2,
    ariaLabel: "mlops source",
  });

  const cursor = byId("cursor-position");
  mainEditor.onDidChangeCursorPosition((e) => {
    cursor.textContent = `Ln ${e.position.lineNumber}, Col ${e.position.column}`;
  });

  const [server] = await Promise.all([startLanguageServer(), installTextMateTokens(MLOPS, new URL("onig.wasm", document.baseURI))]);
  const { connection } = server;
  connection.onNotification("window/logMessage", (p: lsp.LogMessageParams) => (p.type === 1 ? console.error : console.info)(p.message));
  const diagnostics = new DiagnosticsStore(connection);
  const sync = new DocumentSync(connection);
  const inlayHintsChanged = new Emitter<void>();
  connection.onRequest("workspace/inlayHint/refresh", () => {
    inlayHintsChanged.fire();
    return null;
  });
  registerProviders(connection, diagnostics, inlayHintsChanged);

  let env: string | null = null;
  const envSelect = byId<HTMLSelectElement>("env-select");
  const project: Project = new Project({
    added: (file) => {
      sync.open(file.model);
      file.model.onDidChangeContent(() => outputs.schedule());
    },
    removed: (file) => sync.close(file.model),
    changed: () => {
      renderFileTabs(byId("file-tabs"), project, say);
      const active = project.active;
      if (active && mainEditor.getModel() !== active.model) {
        mainEditor.setModel(active.model);
        diagnostics.applyTo(active.model);
      }
      mainEditor.updateOptions({ readOnly: active?.readOnly ?? false });
      outputs.schedule();
    },
  });
  const outputs = new Outputs(
    connection,
    () => {
      const file = project.projectFiles().find((f) => f === project.active) ?? project.projectFiles()[0];
      return file ? { uri: file.model.uri.toString(), env } : undefined;
    },
    (names) => {
      const selected = envSelect.value;
      envSelect.replaceChildren(new Option("(defaults)", ""), ...names.map((n) => new Option(n, n)));
      envSelect.value = names.includes(selected) ? selected : "";
      if (envSelect.value !== selected) env = null;
    },
  );
  envSelect.addEventListener("change", () => {
    env = envSelect.value || null;
    void connection.sendNotification("workspace/didChangeConfiguration", { settings: { mlops: { env } } });
    void outputs.refresh();
  });

  const nameOf = (uri: string): string => project.byUri(uri)?.name ?? uri.replace(/^file:\/\/\/(playground\/)?/, "");
  const reveal = (uri: string, range: IRange | lsp.Range): void => {
    const file = project.byUri(uri);
    if (!file) return;
    project.activate(file.name);
    const r =
      "start" in range ? new Range(range.start.line + 1, range.start.character + 1, range.end.line + 1, range.end.character + 1) : range;
    mainEditor.setSelection(r);
    mainEditor.revealRangeInCenter(r);
    mainEditor.focus();
  };
  let firstDiagnostics = true;
  diagnostics.onDidPublish((published) => {
    if (firstDiagnostics) {
      firstDiagnostics = false;
      performance.mark("mlops:first-diagnostics");
      document.body.dataset.diagnostics = "ready";
    }
    renderProblems(byId("problems"), byId("problems-count"), diagnostics.all(), nameOf, reveal);
    if (project.byUri(published.uri)) outputs.schedule();
  });

  editor.registerEditorOpener({
    openCodeEditor(_source, resource, selectionOrPosition) {
      const stdlib = /^file:\/\/\/std\/([A-Za-z0-9_]+)\.mlops$/.exec(resource.toString());
      if (stdlib && content.stdlib[stdlib[1]!] !== undefined) project.openStdlib(stdlib[1]!, content.stdlib[stdlib[1]!]!);
      const file = project.byUri(resource.toString());
      if (!file) return false;
      project.activate(file.name);
      if (selectionOrPosition) {
        const range =
          "lineNumber" in selectionOrPosition
            ? new Range(
                selectionOrPosition.lineNumber,
                selectionOrPosition.column,
                selectionOrPosition.lineNumber,
                selectionOrPosition.column,
              )
            : Range.lift(selectionOrPosition);
        mainEditor.setSelection(range);
        mainEditor.revealRangeInCenter(range);
      }
      return true;
    },
  });

  const openMenu = byId<HTMLSelectElement>("open-menu");
  fillOpenMenu(openMenu);
  openMenu.addEventListener("change", () => {
    const [kind, name] = openMenu.value.split(":");
    openMenu.value = "";
    if (kind === "example" && name) {
      project.replace(exampleSnapshot(name));
      history.replaceState(null, "", location.pathname + location.search);
      say("");
    } else if (kind === "std" && name && content.stdlib[name] !== undefined) {
      project.openStdlib(name, content.stdlib[name]);
    }
    mainEditor.focus();
  });

  const shareOutput = byId<HTMLOutputElement>("share-output");
  const shareUrl = byId<HTMLInputElement>("share-url");
  byId("share-button").addEventListener("click", async () => {
    const hash = await encodeProject(project.snapshot());
    history.replaceState(null, "", hash);
    shareUrl.value = location.href;
    shareOutput.hidden = false;
    shareUrl.focus();
    shareUrl.select();
    try {
      await navigator.clipboard.writeText(location.href);
      say("Link copied");
    } catch {
      say("Copy the link from the box");
    }
  });
  byId("format-button").addEventListener("click", () => void mainEditor.getAction("editor.action.formatDocument")?.run());
  byId("theme-button").addEventListener("click", () => {
    const dark = !document.documentElement.classList.contains("dark");
    localStorage.setItem(THEME_KEY, dark ? "dark" : "light");
    setTheme(dark);
  });

  const load = async (): Promise<void> => {
    try {
      project.replace((await decodeProject(location.hash)) ?? exampleSnapshot(DEFAULT_EXAMPLE));
    } catch (error) {
      say(error instanceof Error ? error.message : String(error));
      project.replace(exampleSnapshot(DEFAULT_EXAMPLE));
    }
  };
  window.addEventListener("hashchange", () => void load());
  await load();
  document.body.dataset.ready = "true";
}

main().catch((error: unknown) => {
  say(`The playground failed to start: ${error instanceof Error ? error.message : String(error)}`);
  throw error;
});
