import * as vscode from "vscode";
import type { EnvName, ServerSettings } from "./protocol.js";

const section = "mlops";

/** The env to resolve params for, for this document (the setting is resource-scoped). */
export function envFor(scope?: vscode.Uri): EnvName {
  const value = vscode.workspace.getConfiguration(section, scope).get<string>("env", "").trim();
  return value === "" ? null : value;
}

export function serverSettings(): ServerSettings {
  return { env: envFor() };
}

/** Which language server script to run, and why a configured one was not used. */
export interface ServerLaunch {
  /** A user-chosen script, or undefined for the bundled server. */
  override: string | undefined;
  /** Set when `mlops.server.path` names a script that is not run, saying why. */
  ignored?: string;
}

/**
 * `mlops.server.path` runs a program: it is taken only from the user's own settings (the setting is
 * machine-scoped; a value in a repository's `.vscode/settings.json` is ignored even where an editor
 * would apply it) and only in a trusted workspace (Restricted Mode keeps the bundled server).
 */
export function serverLaunch(): ServerLaunch {
  const inspected = vscode.workspace.getConfiguration(section).inspect<string>("server.path");
  const user = inspected?.globalValue?.trim() ?? "";
  const fromWorkspace = [inspected?.workspaceValue, inspected?.workspaceFolderValue].some((v) => typeof v === "string" && v.trim() !== "");
  if (user === "") {
    return fromWorkspace
      ? { override: undefined, ignored: "`mlops.server.path` is read only from user settings; the workspace's value is ignored" }
      : { override: undefined };
  }
  if (!vscode.workspace.isTrusted) {
    return { override: undefined, ignored: `the workspace is not trusted: running the bundled server instead of ${user}` };
  }
  return { override: user };
}

export function affectsServerSettings(event: vscode.ConfigurationChangeEvent): boolean {
  return event.affectsConfiguration(`${section}.env`);
}

export function affectsServerLaunch(event: vscode.ConfigurationChangeEvent): boolean {
  return event.affectsConfiguration(`${section}.server.path`);
}
