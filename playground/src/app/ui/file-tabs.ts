/**
 * The tabs of the open files: click or arrows to switch, F2 or a double click
 * to rename a project file (inline), Delete or × to close, + for a new file.
 */
import type { OpenFile, Project } from "../project/project.js";
import { markSelected, tablistKeys } from "./tablist.js";

export function renderFileTabs(container: HTMLElement, project: Project, report: (message: string) => void): void {
  const active = project.active;
  const tabs = project.files.map((file) => fileTab(file, file === active, project, report));
  const add = document.createElement("button");
  add.type = "button";
  add.className = "add-file";
  add.textContent = "+";
  add.title = "New file";
  add.setAttribute("aria-label", "New file");
  add.addEventListener("click", () => project.addFile());
  container.replaceChildren(...tabs, add);
  const selected = tabs.find((t) => t.getAttribute("aria-selected") === "true");
  if (selected) markSelected(container, selected);
  if (!container.dataset.keys) {
    container.dataset.keys = "on";
    tablistKeys(container, (tab) => project.activate(tab.dataset.name ?? ""));
  }
}

function fileTab(file: OpenFile, selected: boolean, project: Project, report: (message: string) => void): HTMLElement {
  const tab = document.createElement("button");
  tab.type = "button";
  tab.setAttribute("role", "tab");
  tab.setAttribute("aria-selected", String(selected));
  tab.dataset.name = file.name;
  tab.className = `file-tab${file.readOnly ? " read-only" : ""}`;
  tab.textContent = file.name;
  tab.title = file.readOnly ? `${file.name} (standard library, read-only)` : `${file.name} (F2 renames, Delete closes)`;
  tab.addEventListener("click", () => project.activate(file.name));
  tab.addEventListener("dblclick", () => startRename(tab, file, project, report));
  tab.addEventListener("keydown", (event) => {
    if (event.key === "F2") startRename(tab, file, project, report);
    else if (event.key === "Delete") project.close(file.name);
  });
  if (file.readOnly || project.projectFiles().length > 1) {
    const close = document.createElement("span");
    close.className = "close";
    close.textContent = "×";
    close.setAttribute("aria-hidden", "true");
    close.addEventListener("click", (event) => {
      event.stopPropagation();
      project.close(file.name);
    });
    tab.append(close);
  }
  return tab;
}

function startRename(tab: HTMLElement, file: OpenFile, project: Project, report: (message: string) => void): void {
  if (file.readOnly) return;
  const input = document.createElement("input");
  input.value = file.name;
  input.className = "rename-input";
  input.setAttribute("aria-label", `New name for ${file.name}`);
  let done = false;
  const finish = (commit: boolean): void => {
    if (done) return;
    done = true;
    const error = commit ? project.rename(file.name, input.value.trim()) : undefined;
    if (error) report(error);
    if (!commit || error) input.replaceWith(tab);
  };
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") finish(true);
    else if (event.key === "Escape") finish(false);
    event.stopPropagation();
  });
  input.addEventListener("blur", () => finish(true));
  tab.replaceWith(input);
  input.focus();
  input.select();
}
