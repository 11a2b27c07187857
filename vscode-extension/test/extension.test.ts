import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("vscode", () => import("./support/fake-vscode.js"));
vi.mock("vscode-languageclient/node", () => import("./support/fake-languageclient.js"));

import { activate, deactivate } from "../src/extension.js";
import { safeRelativeSegments } from "../src/output-paths.js";
import { clients, type LanguageClient, requestHandlers } from "./support/fake-languageclient.js";
import { fake, Uri, window } from "./support/fake-vscode.js";
import { extensionRoot } from "./support/textmate.js";

const manifest = JSON.parse(readFileSync(join(extensionRoot, "package.json"), "utf8")) as {
  capabilities?: { untrustedWorkspaces?: { supported: boolean | "limited"; restrictedConfigurations?: string[]; description?: string } };
  contributes: {
    commands: { command: string }[];
    configuration: { properties: Record<string, { scope?: string }> };
  };
};

const source = Uri.file("/work/fraud.mlops");

async function activated(settings: Record<string, unknown> = {}) {
  for (const [key, value] of Object.entries(settings)) fake.settings.set(key, value);
  const context = { subscriptions: [] as { dispose(): unknown }[], asAbsolutePath: (path: string) => `/ext/${path}` };
  await activate(context as never);
  return context;
}

function lastClient(): LanguageClient {
  const client = clients.at(-1);
  if (!client) throw new Error("no language client was created");
  return client;
}

/** Makes fraud.mlops the active editor, with `mlops.env` = prod. */
function openMlopsEditor(): void {
  fake.settings.set("mlops.env", "prod");
  window.activeTextEditor = { document: { uri: source, languageId: "mlops", text: "" } };
}

async function runCommand(id: string): Promise<void> {
  const handler = fake.commands.get(id);
  if (!handler) throw new Error(`${id} is not registered`);
  await handler();
}

beforeEach(() => {
  fake.reset();
  clients.length = 0;
  requestHandlers.clear();
});

afterEach(async () => {
  await deactivate();
});

describe("activation", () => {
  it("registers exactly the commands package.json contributes", async () => {
    await activated();
    expect([...fake.commands.keys()].sort()).toEqual(manifest.contributes.commands.map((c) => c.command).sort());
  });

  it("starts the bundled server over stdio for mlops documents, watching **/*.mlops, with the env setting", async () => {
    await activated({ "mlops.env": "prod" });
    const client = lastClient();
    expect(client.id).toBe("mlops");
    expect(client.running).toBe(true);
    expect(client.serverOptions.run).toEqual({ module: "/ext/dist/server.js", transport: 0 });
    expect(client.serverOptions.debug.module).toBe("/ext/dist/server.js");
    expect(client.clientOptions.documentSelector).toEqual([{ language: "mlops" }]);
    expect(client.clientOptions.initializationOptions).toEqual({ env: "prod" });
    expect(fake.watchers).toEqual(["**/*.mlops"]);
  });

  it("sends env null when no env is chosen, and runs mlops.server.path instead of the bundle when set", async () => {
    await activated({ "mlops.env": "  ", "mlops.server.path": "/dev/server.js" });
    expect(lastClient().clientOptions.initializationOptions).toEqual({ env: null });
    expect(lastClient().serverOptions.run.module).toBe("/dev/server.js");
  });
});

describe("untrusted workspaces and settings that run programs", () => {
  const settings = manifest.contributes.configuration.properties;

  it("declares limited support for Restricted Mode, with mlops.server.path restricted and machine-scoped", () => {
    const untrusted = manifest.capabilities?.untrustedWorkspaces;
    expect(untrusted?.supported).toBe("limited");
    expect(untrusted?.description).toMatch(/bundled language server/);
    expect(untrusted?.restrictedConfigurations).toEqual(["mlops.server.path"]);
    expect(settings["mlops.server.path"]?.scope).toBe("machine");
  });

  it("lets no workspace setting name a program to run: every path setting is machine-scoped and restricted", () => {
    const pathSettings = Object.keys(settings).filter((key) => /path|command|executable/i.test(key));
    expect(pathSettings).toEqual(["mlops.server.path"]);
    for (const key of pathSettings) {
      expect(settings[key]?.scope, key).toBe("machine");
      expect(manifest.capabilities?.untrustedWorkspaces?.restrictedConfigurations, key).toContain(key);
    }
  });

  it("ignores mlops.server.path from a repository's .vscode/settings.json and runs the bundled server", async () => {
    fake.workspaceSettings.set("mlops.server.path", "./evil.js");
    await activated();
    expect(lastClient().serverOptions.run.module).toBe("/ext/dist/server.js");
    expect(lastClient().serverOptions.debug.module).toBe("/ext/dist/server.js");
    expect(fake.logged.map((l) => l.text)).toEqual([
      "`mlops.server.path` is read only from user settings; the workspace's value is ignored",
    ]);
  });

  it("prefers the user's own mlops.server.path over a workspace value", async () => {
    fake.workspaceSettings.set("mlops.server.path", "./evil.js");
    await activated({ "mlops.server.path": "/dev/server.js" });
    expect(lastClient().serverOptions.run.module).toBe("/dev/server.js");
  });

  it("in Restricted Mode runs the bundled server (diagnostics and completion still work) until trust is granted", async () => {
    fake.trusted = false;
    await activated({ "mlops.server.path": "/dev/server.js", "mlops.env": "prod" });
    const restricted = lastClient();
    expect(restricted.running).toBe(true);
    expect(restricted.serverOptions.run.module).toBe("/ext/dist/server.js");
    expect(restricted.clientOptions.documentSelector).toEqual([{ language: "mlops" }]);
    expect(restricted.clientOptions.initializationOptions).toEqual({ env: "prod" });
    expect(fake.logged.map((l) => l.text)).toEqual(["the workspace is not trusted: running the bundled server instead of /dev/server.js"]);
    expect([...fake.commands.keys()].sort()).toEqual(manifest.contributes.commands.map((c) => c.command).sort());

    await fake.grantTrust();
    expect(restricted.disposed).toBe(true);
    expect(lastClient().running).toBe(true);
    expect(lastClient().serverOptions.run.module).toBe("/dev/server.js");
  });

  it("keeps the running server when trust is granted and nothing was held back", async () => {
    fake.trusted = false;
    await activated();
    await fake.grantTrust();
    expect(clients).toHaveLength(1);
    expect(lastClient().running).toBe(true);
  });
});

describe("settings changes", () => {
  it("pushes a new env with workspace/didChangeConfiguration", async () => {
    await activated();
    await fake.changeSettings({ "mlops.env": "staging" });
    expect(lastClient().notifications).toEqual([
      { method: "workspace/didChangeConfiguration", params: { settings: { mlops: { env: "staging" } } } },
    ]);
  });

  it("restarts the server on a new mlops.server.path", async () => {
    await activated();
    const first = lastClient();
    await fake.changeSettings({ "mlops.server.path": "/other/server.js" });
    expect(first.disposed).toBe(true);
    expect(clients).toHaveLength(2);
    expect(lastClient().running).toBe(true);
    expect(lastClient().serverOptions.run.module).toBe("/other/server.js");
  });

  it("mlops.restartServer replaces the client", async () => {
    await activated();
    await runCommand("mlops.restartServer");
    expect(clients.map((c) => c.disposed)).toEqual([true, false]);
  });
});

describe("mlops.showPlan", () => {
  it("asks the server for the active file's plan in the chosen env and shows it as read-only JSON", async () => {
    await activated();
    openMlopsEditor();
    requestHandlers.set("mlops/plan", () => ({ plan: { planVersion: 1, pipeline: { name: "fraud" } } }));
    await runCommand("mlops.showPlan");
    expect(lastClient().requests).toEqual([{ method: "mlops/plan", params: { uri: source.toString(), env: "prod" } }]);
    expect(fake.shownDocuments).toHaveLength(1);
    const [shown] = fake.shownDocuments;
    expect(shown.uri.scheme).toBe("mlops-plan");
    expect(shown.uri.path).toBe("/fraud.prod.plan.json");
    expect(shown.languageId).toBe("json");
    expect(shown.text).toBe('{\n  "planVersion": 1,\n  "pipeline": {\n    "name": "fraud"\n  }\n}\n');
  });

  it("reports a compile error from the server instead of showing a plan", async () => {
    await activated();
    openMlopsEditor();
    requestHandlers.set("mlops/plan", () => {
      throw new Error("2 errors: unknown-reference `amout`");
    });
    await runCommand("mlops.showPlan");
    expect(fake.shownDocuments).toEqual([]);
    expect(fake.messages).toEqual([
      { kind: "error", text: "MLOps: could not compile /work/fraud.mlops: 2 errors: unknown-reference `amout`" },
    ]);
  });

  it("reports a server that answers null (an unexpected failure it logged)", async () => {
    await activated();
    openMlopsEditor();
    requestHandlers.set("mlops/plan", () => null);
    await runCommand("mlops.showPlan");
    expect(fake.shownDocuments).toEqual([]);
    expect(fake.messages).toEqual([
      {
        kind: "error",
        text: "MLOps: could not compile /work/fraud.mlops: the server returned no plan (see the MLOps Language Server output)",
      },
    ]);
  });

  it("stays silent when the user cancels the request", async () => {
    await activated();
    openMlopsEditor();
    requestHandlers.set("mlops/plan", () => {
      throw Object.assign(new Error("Request got cancelled"), { code: -32800 });
    });
    await runCommand("mlops.showPlan");
    expect(fake.shownDocuments).toEqual([]);
    expect(fake.messages).toEqual([]);
  });

  it("tells the user when the server has stopped instead of sending a request", async () => {
    await activated();
    openMlopsEditor();
    lastClient().running = false;
    await runCommand("mlops.showPlan");
    expect(lastClient().requests).toEqual([]);
    expect(fake.messages).toEqual([
      { kind: "error", text: 'The MLOps language server is not running: run "MLOps: Restart Language Server".' },
    ]);
  });

  it("needs an active .mlops editor", async () => {
    await activated();
    await runCommand("mlops.showPlan");
    expect(lastClient().requests).toEqual([]);
    expect(fake.messages.map((m) => m.kind)).toEqual(["warning"]);
  });
});

describe("mlops.renderArtifacts", () => {
  it("renders the picked target and writes every file under the picked folder", async () => {
    await activated();
    openMlopsEditor();
    fake.quickPick = "kubernetes";
    fake.openDialog = Uri.file("/out");
    requestHandlers.set("mlops/render", () => ({
      files: [
        { path: "base/deployment.yaml", content: "kind: Deployment\n" },
        { path: "overlays/prod/kustomization.yaml", content: "resources: []\n" },
      ],
    }));
    await runCommand("mlops.renderArtifacts");
    expect(lastClient().requests).toEqual([
      { method: "mlops/render", params: { uri: source.toString(), env: "prod", target: "kubernetes" } },
    ]);
    expect(Object.fromEntries(fake.written)).toEqual({
      "/out/base/deployment.yaml": "kind: Deployment\n",
      "/out/overlays/prod/kustomization.yaml": "resources: []\n",
    });
    expect(fake.messages).toEqual([{ kind: "info", text: "MLOps: wrote 2 kubernetes file(s) to /out." }]);
  });

  it("writes nothing when the server returns a path that leaves the folder", async () => {
    await activated();
    openMlopsEditor();
    fake.quickPick = "docker";
    fake.openDialog = Uri.file("/out");
    requestHandlers.set("mlops/render", () => ({
      files: [
        { path: "Dockerfile", content: "FROM node:20\n" },
        { path: "../outside", content: "x" },
      ],
    }));
    await runCommand("mlops.renderArtifacts");
    expect(fake.written.size).toBe(0);
    expect(fake.messages.map((m) => m.kind)).toEqual(["error"]);
  });

  it("does nothing when the user cancels the target or folder choice", async () => {
    await activated();
    openMlopsEditor();
    fake.quickPick = "airflow";
    await runCommand("mlops.renderArtifacts");
    expect(lastClient().requests).toEqual([]);
  });
});

describe("safeRelativeSegments", () => {
  it("accepts relative paths inside the folder and refuses the others", () => {
    expect(safeRelativeSegments("base/deployment.yaml")).toEqual(["base", "deployment.yaml"]);
    expect(safeRelativeSegments("./dags//fraud.py")).toEqual(["dags", "fraud.py"]);
    for (const bad of ["", "/etc/passwd", "../x", "a/../../x", "a\\b", "C:/x", ".", "a/\0"]) {
      expect(safeRelativeSegments(bad), bad).toBeUndefined();
    }
  });
});
