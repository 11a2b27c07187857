import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pathToFileURL } from "node:url";
import { safeRelativeSegments } from "../src/output-paths.js";
import { type PlanParams, type PlanResult, type RenderParams, type RenderResult, renderTargets } from "../src/protocol.js";
import { mlopsFilesUnder, repoRoot } from "./support/corpus.js";
import { StdioRpc } from "./support/stdio-rpc.js";
import { extensionRoot } from "./support/textmate.js";
import { readZip } from "./support/zip.js";

const serverSource = join(repoRoot, "language-server", "src", "server.ts");
const vsixPath = join(extensionRoot, "mlops-vscode.vsix");
const stdlibFolder = join(repoRoot, "stdlib", "std");
const stdlibModules = existsSync(stdlibFolder)
  ? readdirSync(stdlibFolder)
      .filter((name) => name.endsWith(".mlops"))
      .sort()
  : [];

interface Manifest {
  main: string;
  contributes: {
    semanticTokenTypes?: { id: string; superType?: string }[];
    semanticTokenModifiers?: { id: string }[];
    grammars: { path: string; scopeName: string }[];
    snippets?: { path: string }[];
    languages: { configuration: string }[];
    commands: { command: string }[];
  };
}

interface InitializeResult {
  capabilities: {
    textDocumentSync?: unknown;
    semanticTokensProvider?: { legend: { tokenTypes: string[]; tokenModifiers: string[] } };
  };
}

const serverMissing = !existsSync(serverSource);
// The fraud example declares deployments with images, so every render target has a runtime image.
const exampleFile = mlopsFilesUnder(join(repoRoot, "examples")).find((file) => file.endsWith("fraud.mlops"));

/** The semantic token types and modifiers VS Code knows without an extension declaring them. */
const standardTokenTypes = new Set(
  "namespace class enum interface struct typeParameter type parameter variable property enumMember decorator event function method macro label comment string keyword number regexp operator".split(
    " ",
  ),
);
const standardTokenModifiers = new Set(
  "declaration definition readonly static deprecated abstract async modification documentation defaultLibrary".split(" "),
);

describe.skipIf(serverMissing)(
  serverMissing ? `the .vsix (SKIPPED: ${serverSource} does not exist yet)` : "the .vsix built by `npm run package -w vscode-extension`",
  () => {
    let entries: Map<string, () => Buffer>;
    const read = (name: string) => {
      const entry = entries.get(name);
      if (!entry) throw new Error(`${name} is not in the .vsix: ${[...entries.keys()].join(", ")}`);
      return entry();
    };

    beforeAll(() => {
      rmSync(vsixPath, { force: true });
      try {
        execFileSync("npm", ["run", "package", "-w", "vscode-extension"], { cwd: repoRoot, stdio: "pipe", timeout: 110_000 });
      } catch (error) {
        const { stdout, stderr } = error as { stdout?: Buffer; stderr?: Buffer };
        throw new Error(`npm run package failed:\n${stderr?.toString() ?? ""}\n${stdout?.toString() ?? ""}`);
      }
      entries = readZip(vsixPath);
    });

    it("contains the bundles, grammar, language configuration, manifest, readme and licence", () => {
      expect([...entries.keys()]).toEqual(
        expect.arrayContaining([
          "extension/package.json",
          "extension/dist/extension.js",
          "extension/dist/server.js",
          "extension/syntaxes/mlops.tmLanguage.json",
          "extension/language-configuration.json",
          "extension/readme.md",
          "extension/LICENSE.txt",
        ]),
      );
    });

    it("leaves sources, tests, build files and node_modules out", () => {
      const unwanted = [...entries.keys()].filter((name) =>
        /^extension\/(src|test|node_modules)\/|^extension\/(build\.mjs|tsconfig\.json)$|\.ts$/.test(name),
      );
      expect(unwanted).toEqual([]);
    });

    it("has a manifest whose entry point and contributions are all inside the package", () => {
      const manifest = JSON.parse(read("extension/package.json").toString("utf8")) as Manifest;
      const inPackage = (path: string) => `extension/${path.replace(/^\.\//, "")}`;
      const referenced = [
        manifest.main,
        ...manifest.contributes.grammars.map((g) => g.path),
        ...(manifest.contributes.snippets ?? []).map((s) => s.path),
        ...manifest.contributes.languages.map((l) => l.configuration),
      ].map(inPackage);
      expect(referenced.filter((name) => !entries.has(name))).toEqual([]);
      expect(manifest.contributes.grammars[0].scopeName).toBe("source.mlops");
      expect(manifest.contributes.commands.map((c) => c.command).sort()).toEqual([
        "mlops.renderArtifacts",
        "mlops.restartServer",
        "mlops.showPlan",
      ]);
    });

    it.skipIf(stdlibModules.length === 0)(
      stdlibModules.length === 0
        ? `ships the stdlib (SKIPPED: ${stdlibFolder} has no .mlops modules yet)`
        : "ships every stdlib/std module unchanged in dist/stdlib/std, where the server looks first",
      () => {
        for (const name of stdlibModules) {
          expect(read(`extension/dist/stdlib/std/${name}`).toString("utf8"), name).toBe(readFileSync(join(stdlibFolder, name), "utf8"));
        }
      },
    );

    describe("its bundled server, unpacked and started on its own", () => {
      let folder: string;
      let server: StdioRpc;
      let init: InitializeResult;

      beforeAll(async () => {
        folder = mkdtempSync(join(tmpdir(), "mlops-vsix-"));
        for (const name of entries.keys()) {
          if (!name.startsWith("extension/dist/")) continue;
          const target = join(folder, name);
          mkdirSync(dirname(target), { recursive: true });
          writeFileSync(target, read(name));
        }
        server = new StdioRpc(join(folder, "extension", "dist", "server.js"));
        init = (await server.request("initialize", {
          processId: process.pid,
          rootUri: null,
          capabilities: {},
          initializationOptions: { env: null },
        })) as InitializeResult;
        server.notify("initialized", {});
      });

      afterAll(async () => {
        await server?.request("shutdown", null).catch(() => undefined);
        server?.kill();
        if (folder) rmSync(folder, { recursive: true, force: true });
      });

      it("answers initialize over stdio and outlines a document, with no node_modules beside it", async () => {
        expect(init.capabilities.textDocumentSync).toBeDefined();
        const uri = "file:///virtual/outline.mlops";
        server.notify("textDocument/didOpen", {
          textDocument: { uri, languageId: "mlops", version: 1, text: 'pipeline outline {\n  owner = "a@b.c"\n}\n' },
        });
        const symbols = (await server.request("textDocument/documentSymbol", { textDocument: { uri } })) as { name: string }[];
        expect(symbols.map((symbol) => symbol.name)).toEqual(["outline"]);
      });

      it.skipIf(stdlibModules.length === 0)("resolves `import std.NAME` from the stdlib shipped beside it", async () => {
        const uri = "file:///virtual/imports.mlops";
        const modules = stdlibModules.map((name) => name.replace(/\.mlops$/, ""));
        const text = [
          ...modules.map((m) => `import std.${m}`),
          "import std.not_a_module",
          'pipeline imports {\n  owner = "a@b.c"\n}',
          "",
        ].join("\n");
        server.notify("textDocument/didOpen", { textDocument: { uri, languageId: "mlops", version: 1, text } });
        const published = (await server.notification("textDocument/publishDiagnostics", (p) => (p as { uri: string }).uri === uri)) as {
          diagnostics: { code?: string; range: { start: { line: number } } }[];
        };
        const unknownImports = published.diagnostics.filter((d) => d.code === "unknown-import").map((d) => d.range.start.line);
        expect(unknownImports).toEqual([modules.length]);
      });

      it.skipIf(exampleFile === undefined)(
        "answers mlops/plan and mlops/render for an example in the shapes the extension's commands expect",
        async () => {
          const uri = pathToFileURL(exampleFile ?? "").href;
          server.notify("textDocument/didOpen", {
            textDocument: { uri, languageId: "mlops", version: 1, text: readFileSync(exampleFile ?? "", "utf8") },
          });
          const planned = (await server.request("mlops/plan", { uri, env: null } satisfies PlanParams)) as PlanResult | null;
          expect(planned?.plan).toMatchObject({ planVersion: expect.anything() });
          for (const target of renderTargets) {
            const rendered = (await server.request("mlops/render", {
              uri,
              env: null,
              target,
            } satisfies RenderParams)) as RenderResult | null;
            expect(rendered?.files.length, target).toBeGreaterThan(0);
            const unsafe = rendered?.files.filter(
              (file) => safeRelativeSegments(file.path) === undefined || typeof file.content !== "string",
            );
            expect(unsafe, target).toEqual([]);
          }
        },
      );

      it("wrote nothing to stderr", () => {
        expect(server.stderr).toBe("");
      });

      it("uses only semantic token types and modifiers that VS Code knows or the manifest declares", (context) => {
        const legend = init.capabilities.semanticTokensProvider?.legend;
        if (!legend) context.skip("the server does not offer semantic tokens");
        const manifest = JSON.parse(read("extension/package.json").toString("utf8")) as Manifest;
        const declaredTypes = new Set((manifest.contributes.semanticTokenTypes ?? []).map((t) => t.id));
        const declaredModifiers = new Set((manifest.contributes.semanticTokenModifiers ?? []).map((m) => m.id));
        expect(legend?.tokenTypes.filter((type) => !standardTokenTypes.has(type) && !declaredTypes.has(type))).toEqual([]);
        expect(legend?.tokenModifiers.filter((m) => !standardTokenModifiers.has(m) && !declaredModifiers.has(m))).toEqual([]);
      });
    });
  },
);
