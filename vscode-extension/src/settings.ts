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

/** A user-chosen server script, or undefined for the bundled one. */
export function serverPathOverride(): string | undefined {
  const value = vscode.workspace.getConfiguration(section).get<string>("server.path", "").trim();
  return value === "" ? undefined : value;
}

export function affectsServerSettings(event: vscode.ConfigurationChangeEvent): boolean {
  return event.affectsConfiguration(`${section}.env`);
}

export function affectsServerLaunch(event: vscode.ConfigurationChangeEvent): boolean {
  return event.affectsConfiguration(`${section}.server.path`);
}
