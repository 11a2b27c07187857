import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { pathToUri, uriToPath } from "../src/util/uri.js";

/** Every character of the first planes a file name can hold (no surrogates, no NUL, no `/`). */
function oddPaths(): string[] {
  const paths: string[] = ["/a b/c.mlops", "/x/%41#?.mlops", "/ü/é.mlops", "/tmp/~user/x.mlops", "/"];
  for (let code = 1; code < 0x3000; code++) {
    if (code >= 0xd800 && code < 0xe000) continue;
    const char = String.fromCharCode(code);
    if (char !== "/") paths.push(`/dir${char}name/file${char}.mlops`);
  }
  return paths;
}

describe("file URIs without node:url (the server runs in a browser too)", () => {
  it("gives the URI node:url gives for every POSIX path", () => {
    for (const path of oddPaths()) expect(pathToUri(path), JSON.stringify(path)).toBe(pathToFileURL(path).href);
  });

  it("reads back the path node:url reads (backslashes as slashes), from its own URIs and from VS Code's", () => {
    for (const path of oddPaths()) {
      const uri = pathToFileURL(path).href;
      expect(uriToPath(uri), uri).toBe(fileURLToPath(uri).replace(/\\/g, "/"));
    }
    expect(uriToPath("file:///home/me/My%20Project/a.mlops")).toBe("/home/me/My Project/a.mlops");
    expect(uriToPath("file://localhost/tmp/a.mlops")).toBe("/tmp/a.mlops");
  });

  it("maps other schemes to a stable virtual path and back", () => {
    const uri = "untitled:Untitled-1";
    expect(pathToUri(uriToPath(uri))).toBe(uri);
  });

  it("refuses what is not a local path, as node:url does", () => {
    expect(() => uriToPath("file://server/share/a.mlops")).toThrow(TypeError);
    expect(() => uriToPath("file:///a%2Fb.mlops")).toThrow(TypeError);
  });
});
