/**
 * The files open in the playground: the project's own (editable, synced to
 * the language server, shared in links) and standard-library modules opened
 * to read (read-only; the server has them already).
 */
import { editor, Uri } from "monaco-editor/editor/editor.api.js";
import { MLOPS } from "../language/mlops-language.js";

export interface OpenFile {
  name: string;
  model: editor.ITextModel;
  readOnly: boolean;
}

export interface ProjectSnapshot {
  files: Record<string, string>;
  active: string;
}

/** File names the project accepts: plain names, so an import path and a URI read the same. */
export const FILE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}\.mlops$/;

export function projectUri(name: string): Uri {
  return Uri.parse(`file:///playground/${name}`);
}

export function stdlibUri(module: string): Uri {
  return Uri.parse(`file:///std/${module}.mlops`);
}

export interface ProjectEvents {
  /** A project file was created (open it on the server). */
  added(file: OpenFile): void;
  /** A project file is about to go (close it on the server). */
  removed(file: OpenFile): void;
  /** The list of tabs or the active tab changed. */
  changed(): void;
}

export class Project {
  private readonly open: OpenFile[] = [];
  private activeName = "";

  constructor(private readonly events: ProjectEvents) {}

  get files(): readonly OpenFile[] {
    return this.open;
  }

  get active(): OpenFile | undefined {
    return this.open.find((f) => f.name === this.activeName) ?? this.open[0];
  }

  /** The editable files, in tab order. */
  projectFiles(): OpenFile[] {
    return this.open.filter((f) => !f.readOnly);
  }

  /** Replaces every file (an example, a shared link); standard-library tabs go too. */
  replace(snapshot: ProjectSnapshot): void {
    for (const file of [...this.open]) this.dispose(file);
    this.open.length = 0;
    for (const [name, text] of Object.entries(snapshot.files)) this.create(name, text);
    this.activeName = snapshot.files[snapshot.active] !== undefined ? snapshot.active : (Object.keys(snapshot.files)[0] ?? "");
    this.events.changed();
  }

  /** A new, empty project file with a free name; returns it. */
  addFile(): OpenFile {
    let n = this.projectFiles().length + 1;
    while (this.find(`module${n}.mlops`)) n++;
    const file = this.create(`module${n}.mlops`, `// Import it from another file: import "./module${n}.mlops"\n`);
    this.activeName = file.name;
    this.events.changed();
    return file;
  }

  /** Opens (or shows) a standard-library module, read-only. */
  openStdlib(module: string, text: string): OpenFile {
    const name = `std.${module}`;
    let file = this.find(name);
    if (!file) {
      const model = editor.getModel(stdlibUri(module)) ?? editor.createModel(text, MLOPS, stdlibUri(module));
      file = { name, model, readOnly: true };
      this.open.push(file);
    }
    this.activeName = name;
    this.events.changed();
    return file;
  }

  /** Renames a project file; returns an error message when the name cannot be used. */
  rename(from: string, to: string): string | undefined {
    const file = this.find(from);
    if (!file || file.readOnly) return `${from} cannot be renamed`;
    if (from === to) return undefined;
    if (!FILE_NAME.test(to)) return "a file name is letters, digits, _ . - and ends in .mlops";
    if (this.find(to)) return `${to} already exists`;
    const index = this.open.indexOf(file);
    const text = file.model.getValue();
    this.dispose(file);
    const renamed = this.create(to, text, index);
    this.open.splice(this.open.indexOf(renamed), 1);
    this.open.splice(index, 1, renamed);
    if (this.activeName === from) this.activeName = to;
    this.events.changed();
    return undefined;
  }

  /** Closes a tab (the last project file stays). */
  close(name: string): void {
    const file = this.find(name);
    if (!file || (!file.readOnly && this.projectFiles().length === 1)) return;
    this.dispose(file);
    this.open.splice(this.open.indexOf(file), 1);
    if (this.activeName === name) this.activeName = this.open[0]?.name ?? "";
    this.events.changed();
  }

  activate(name: string): void {
    if (!this.find(name) || this.activeName === name) return;
    this.activeName = name;
    this.events.changed();
  }

  /** The tab showing `uri` (a definition in another file), if one is open. */
  byUri(uri: string): OpenFile | undefined {
    return this.open.find((f) => f.model.uri.toString() === uri);
  }

  snapshot(): ProjectSnapshot {
    const files: Record<string, string> = {};
    for (const file of this.projectFiles()) files[file.name] = file.model.getValue();
    const active = this.active;
    return { files, active: active && !active.readOnly ? active.name : (Object.keys(files)[0] ?? "") };
  }

  private find(name: string): OpenFile | undefined {
    return this.open.find((f) => f.name === name);
  }

  private create(name: string, text: string, index = this.open.length): OpenFile {
    const file: OpenFile = { name, model: editor.createModel(text, MLOPS, projectUri(name)), readOnly: false };
    this.open.splice(index, 0, file);
    this.events.added(file);
    return file;
  }

  private dispose(file: OpenFile): void {
    if (!file.readOnly) {
      this.events.removed(file);
      file.model.dispose();
    }
  }
}
