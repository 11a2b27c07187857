import * as vscode from "vscode";
import { activeMlopsDocument } from "./active-document.js";
import { safeRelativeSegments } from "./output-paths.js";
import { type RenderedFile, type RenderTarget, renderTargets } from "./protocol.js";
import { renderRequest } from "./requests.js";
import type { ServerController } from "./server-controller.js";
import { isCancellation, messageOf } from "./errors.js";
import { envFor } from "./settings.js";

const targetDescriptions: Record<RenderTarget, string> = {
  airflow: "Airflow DAG running each plan step with `mlops run-step`",
  kubernetes: "Kustomize base and one overlay per env",
  docker: "Dockerfile, .dockerignore and compose file",
};

/** `mlops.renderArtifacts`: renders the active file's plan for a target and writes it into a folder the user picks. */
export async function renderArtifacts(server: ServerController): Promise<void> {
  const document = activeMlopsDocument();
  if (!document) return;
  const target = await pickTarget();
  if (!target) return;
  const folder = await pickFolder(document.uri);
  if (!folder) return;
  const client = await server.running();
  if (!client) return;
  const env = envFor(document.uri);
  try {
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `MLOps: rendering ${target}`, cancellable: true },
      (_progress, token) => client.sendRequest(renderRequest, { uri: document.uri.toString(), env, target }, token),
    );
    if (!Array.isArray(result?.files)) throw new Error("the server returned no files (see the MLOps Language Server output)");
    const written = await writeFiles(folder, result.files);
    const reveal = "Reveal in Explorer";
    const choice = await vscode.window.showInformationMessage(
      `MLOps: wrote ${written} ${target} file(s) to ${vscode.workspace.asRelativePath(folder)}.`,
      reveal,
    );
    if (choice === reveal) await vscode.commands.executeCommand("revealInExplorer", folder);
  } catch (error) {
    if (isCancellation(error)) return;
    void vscode.window.showErrorMessage(`MLOps: could not render ${target}: ${messageOf(error)}`);
  }
}

async function pickTarget(): Promise<RenderTarget | undefined> {
  const picked = await vscode.window.showQuickPick(
    renderTargets.map((target) => ({ label: target, detail: targetDescriptions[target], target })),
    { title: "MLOps: render artifacts for", placeHolder: "Choose a target" },
  );
  return picked?.target;
}

async function pickFolder(source: vscode.Uri): Promise<vscode.Uri | undefined> {
  const workspaceFolder = vscode.workspace.getWorkspaceFolder(source);
  const picked = await vscode.window.showOpenDialog({
    canSelectFiles: false,
    canSelectFolders: true,
    canSelectMany: false,
    openLabel: "Write artifacts here",
    defaultUri: workspaceFolder?.uri ?? vscode.Uri.joinPath(source, ".."),
  });
  return picked?.[0];
}

/** Writes every file (all paths are checked first, so a bad path writes nothing); returns the count. */
async function writeFiles(folder: vscode.Uri, files: readonly RenderedFile[]): Promise<number> {
  const planned = files.map((file) => {
    const segments = safeRelativeSegments(file.path);
    if (!segments) throw new Error(`the server returned an unsafe output path: ${JSON.stringify(file.path)}`);
    return { uri: vscode.Uri.joinPath(folder, ...segments), content: file.content };
  });
  const encoder = new TextEncoder();
  for (const file of planned) await vscode.workspace.fs.writeFile(file.uri, encoder.encode(file.content));
  return planned.length;
}
