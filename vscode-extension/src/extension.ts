import * as vscode from "vscode";
import { PlanDocuments, planScheme } from "./plan-documents.js";
import { renderArtifacts } from "./render-artifacts.js";
import { ServerController } from "./server-controller.js";
import { affectsServerLaunch, affectsServerSettings } from "./settings.js";
import { showPlan } from "./show-plan.js";

let server: ServerController | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const controller = new ServerController(context);
  server = controller;
  const plans = new PlanDocuments();
  context.subscriptions.push(
    controller,
    plans,
    vscode.workspace.registerTextDocumentContentProvider(planScheme, plans),
    vscode.commands.registerCommand("mlops.showPlan", () => showPlan(controller, plans)),
    vscode.commands.registerCommand("mlops.renderArtifacts", () => renderArtifacts(controller)),
    vscode.commands.registerCommand("mlops.restartServer", () => controller.restart()),
    vscode.workspace.onDidChangeConfiguration((event) => onConfigurationChanged(controller, event)),
    vscode.workspace.onDidGrantWorkspaceTrust(() => controller.onTrustGranted()),
  );
  await controller.start();
}

export async function deactivate(): Promise<void> {
  await server?.stop();
  server = undefined;
}

async function onConfigurationChanged(controller: ServerController, event: vscode.ConfigurationChangeEvent): Promise<void> {
  if (affectsServerLaunch(event)) await controller.restart();
  else if (affectsServerSettings(event)) await controller.pushSettings();
}
