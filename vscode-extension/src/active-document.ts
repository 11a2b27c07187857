import * as vscode from "vscode";

/** The `.mlops` document of the active editor, or undefined after telling the user why not. */
export function activeMlopsDocument(): vscode.TextDocument | undefined {
  const document = vscode.window.activeTextEditor?.document;
  if (document?.languageId === "mlops") return document;
  void vscode.window.showWarningMessage("Open a .mlops file first: this command compiles the active editor's file.");
  return undefined;
}
