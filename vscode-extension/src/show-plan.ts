import * as vscode from "vscode";
import { activeMlopsDocument } from "./active-document.js";
import type { PlanDocuments } from "./plan-documents.js";
import { planRequest } from "./requests.js";
import type { ServerController } from "./server-controller.js";
import { isCancellation, messageOf } from "./errors.js";
import { envFor } from "./settings.js";

/** `mlops.showPlan`: asks the server for the active file's plan and shows it read-only beside the source. */
export async function showPlan(server: ServerController, plans: PlanDocuments): Promise<void> {
  const document = activeMlopsDocument();
  if (!document) return;
  const client = await server.running();
  if (!client) return;
  const env = envFor(document.uri);
  try {
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: "MLOps: compiling plan", cancellable: true },
      (_progress, token) => client.sendRequest(planRequest, { uri: document.uri.toString(), env }, token),
    );
    if (result?.plan === undefined || result.plan === null)
      throw new Error("the server returned no plan (see the MLOps Language Server output)");
    const uri = plans.publish(document.uri, env, `${JSON.stringify(result.plan, null, 2)}\n`);
    const planDocument = await vscode.workspace.openTextDocument(uri);
    await vscode.languages.setTextDocumentLanguage(planDocument, "json");
    await vscode.window.showTextDocument(planDocument, { viewColumn: vscode.ViewColumn.Beside, preview: true });
  } catch (error) {
    if (isCancellation(error)) return;
    void vscode.window.showErrorMessage(`MLOps: could not compile ${vscode.workspace.asRelativePath(document.uri)}: ${messageOf(error)}`);
  }
}
