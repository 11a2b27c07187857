/**
 * The panes beside the editor: the compiled plan (JSON), the step DAG
 * (picture) and the rendered artifacts (Airflow, Kubernetes, Docker). All of
 * it is computed by the language server in the worker (`mlops/plan`,
 * `mlops/render`), after the edits settle.
 */
import type { ProtocolConnection } from "vscode-languageserver-protocol/browser";
import { PLAN_JSON } from "../language/json-language.js";
import { markSelected, tablistKeys } from "../ui/tablist.js";
import { type DagStep, renderDag } from "./dag.js";
import { ReadOnlyEditor } from "./read-only-editor.js";

type Target = "airflow" | "kubernetes" | "docker";
type Pane = "plan" | "dag" | Target;

interface PlanLike {
  envs: Record<string, unknown>;
  steps: DagStep[];
}

interface RenderedFile {
  path: string;
  content: string;
}

const DEBOUNCE_MS = 250;

function languageOf(path: string): string {
  if (path.endsWith(".py")) return "python";
  if (path.endsWith(".yaml") || path.endsWith(".yml")) return "yaml";
  if (/(^|\/)Dockerfile[^/]*$/.test(path)) return "dockerfile";
  if (path.endsWith(".md")) return "markdown";
  return "plaintext";
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function byId<T extends HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the page has no #${id}`);
  return element as T;
}

export class Outputs {
  private pane: Pane = "plan";
  private timer: ReturnType<typeof setTimeout> | undefined;
  private generation = 0;
  private readonly planEditor: ReadOnlyEditor;
  private readonly artifactEditor: ReadOnlyEditor;
  private readonly status = byId<HTMLElement>("pane-status");
  private readonly fileSelect = byId<HTMLSelectElement>("artifact-file");
  private readonly tabs = byId<HTMLElement>("tab-plan").parentElement!;
  private files: RenderedFile[] = [];
  private envNames: string[] = [];

  constructor(
    private readonly connection: ProtocolConnection,
    /** The file whose compilation the panes show, and the selected env (null: the params' defaults). */
    private readonly subject: () => { uri: string; env: string | null } | undefined,
    private readonly onEnvs: (names: string[]) => void,
  ) {
    this.planEditor = new ReadOnlyEditor(byId("pane-plan"), PLAN_JSON, "Compiled plan (JSON)");
    this.artifactEditor = new ReadOnlyEditor(byId("artifact-editor"), "plaintext", "Rendered artifact");
    this.fileSelect.addEventListener("change", () => this.showFile());
    const select = (tab: HTMLElement): void => this.select(tab);
    for (const tab of this.tabs.querySelectorAll<HTMLElement>('[role="tab"]')) tab.addEventListener("click", () => select(tab));
    tablistKeys(this.tabs, select);
  }

  /** Recompute after the edits settle. */
  schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(), DEBOUNCE_MS);
  }

  async refresh(): Promise<void> {
    const subject = this.subject();
    if (!subject) return;
    const generation = ++this.generation;
    const current = (): boolean => generation === this.generation;
    this.setStatus("Compiling…", "busy");
    try {
      const { plan } = await this.connection.sendRequest<{ plan: PlanLike }>("mlops/plan", subject);
      if (!current()) return;
      this.planEditor.show(JSON.stringify(plan, null, 2));
      this.drawDag(plan.steps);
      const envNames = Object.keys(plan.envs).sort();
      if (envNames.join("\n") !== this.envNames.join("\n")) {
        this.envNames = envNames;
        this.onEnvs(envNames);
      }
      if (this.pane !== "plan" && this.pane !== "dag") {
        const { files } = await this.connection.sendRequest<{ files: RenderedFile[] }>("mlops/render", { ...subject, target: this.pane });
        if (!current()) return;
        this.showFiles(files);
      }
      this.setStatus(`Up to date${subject.env ? ` (env ${subject.env})` : ""}`, "ok");
    } catch (error) {
      if (current()) this.setStatus(errorMessage(error), "error");
    }
  }

  private select(tab: HTMLElement): void {
    markSelected(this.tabs, tab);
    this.pane = (tab.dataset.target ?? tab.id.replace(/^tab-/, "")) as Pane;
    byId("pane-plan").hidden = this.pane !== "plan";
    byId("pane-dag").hidden = this.pane !== "dag";
    const artifacts = byId("pane-artifacts");
    artifacts.hidden = this.pane === "plan" || this.pane === "dag";
    artifacts.setAttribute("aria-labelledby", tab.id);
    void this.refresh();
  }

  private drawDag(steps: DagStep[]): void {
    const container = byId("pane-dag");
    container.replaceChildren(renderDag(steps));
  }

  private showFiles(files: RenderedFile[]): void {
    const previous = this.fileSelect.value;
    this.files = files;
    this.fileSelect.replaceChildren(
      ...files.map((file) => {
        const option = document.createElement("option");
        option.value = file.path;
        option.textContent = file.path;
        return option;
      }),
    );
    if (files.some((f) => f.path === previous)) this.fileSelect.value = previous;
    // the target's own files first, not its README
    else this.fileSelect.value = (files.find((f) => !f.path.endsWith(".md")) ?? files[0])?.path ?? "";
    this.showFile();
  }

  private showFile(): void {
    const file = this.files.find((f) => f.path === this.fileSelect.value) ?? this.files[0];
    this.artifactEditor.show(file?.content ?? "", file ? languageOf(file.path) : "plaintext");
  }

  private setStatus(text: string, state: "busy" | "ok" | "error"): void {
    this.status.textContent = text;
    this.status.dataset.state = state;
  }
}
