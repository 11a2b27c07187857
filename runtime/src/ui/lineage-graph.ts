/**
 * The lineage picture: data → fitted features → model → registered versions → deployments,
 * from what the registry recorded with each version (data hashes, artifacts) and the deploy
 * steps' releases. Drawn in columns by kind, edges as curves: hand-written SVG, no layout library.
 */
import { escapeXml, n, svgDocument } from "../report/svg/svg.js";
import type { ModelDetails } from "../store/model-registry.js";

export type LineageKind = "data" | "features" | "model" | "version" | "deployment";

export interface LineageNode {
  id: string;
  kind: LineageKind;
  label: string;
  detail: string;
  href?: string;
}

export interface LineageGraph {
  nodes: LineageNode[];
  edges: Array<{ from: string; to: string; label?: string }>;
}

export interface Release {
  deployment: string;
  model: string;
  alias: string;
  target: string;
}

interface VersionLineage {
  data?: Record<string, string | null>;
  artifacts?: { transforms?: string; model?: string };
}

export function lineageGraph(models: ModelDetails[], releases: Release[]): LineageGraph {
  const nodes = new Map<string, LineageNode>();
  const edges: LineageGraph["edges"] = [];
  const edge = (from: string, to: string, label?: string): void => {
    if (!edges.some((e) => e.from === from && e.to === to)) edges.push({ from, to, ...(label ? { label } : {}) });
  };
  const node = (n: LineageNode): string => {
    if (!nodes.has(n.id)) nodes.set(n.id, n);
    return n.id;
  };
  for (const model of models) {
    for (const version of [...model.versionList].sort((a, b) => a.version - b.version)) {
      const lineage = version.lineage as VersionLineage;
      const v = node({
        id: `version:${model.name}@${version.version}`,
        kind: "version",
        label: `${model.name} v${version.version}`,
        detail: version.aliases.length > 0 ? version.aliases.join(", ") : version.createdAt.slice(0, 10),
        href: `/models/${encodeURIComponent(model.name)}#v${version.version}`,
      });
      const m = node({
        id: `model:${version.artifactHash}`,
        kind: "model",
        label: "ONNX model",
        detail: version.artifactHash.slice(0, 12),
      });
      edge(m, v);
      const transforms = lineage.artifacts?.transforms ?? version.featuresHash;
      if (transforms) {
        const f = node({ id: `features:${transforms}`, kind: "features", label: "fitted features", detail: transforms.slice(0, 12) });
        edge(f, m);
        for (const [source, hash] of Object.entries(lineage.data ?? {})) {
          if (!hash) continue;
          edge(node({ id: `data:${hash}`, kind: "data", label: source, detail: hash.slice(0, 12) }), f);
        }
      }
    }
  }
  for (const release of releases) {
    const model = models.find((m) => m.name === release.model);
    const holder = model?.aliases[release.alias];
    const d = node({
      id: `deployment:${release.deployment}`,
      kind: "deployment",
      label: release.deployment,
      detail: `${release.target}, ${release.alias}`,
    });
    if (holder !== undefined) edge(`version:${release.model}@${holder}`, d, release.alias);
  }
  return { nodes: [...nodes.values()], edges: edges.filter((e) => nodes.has(e.from) && nodes.has(e.to)) };
}

const COLUMNS: LineageKind[] = ["data", "features", "model", "version", "deployment"];
const COLUMN_TITLES: Record<LineageKind, string> = {
  data: "data",
  features: "features",
  model: "model",
  version: "registered versions",
  deployment: "deployments",
};
const NODE_W = 150;
const NODE_H = 40;
const GAP_X = 60;
const GAP_Y = 14;

export function lineageSvg(graph: LineageGraph): string {
  const columns = COLUMNS.map((kind) => graph.nodes.filter((n) => n.kind === kind));
  const rows = Math.max(1, ...columns.map((c) => c.length));
  const width = COLUMNS.length * (NODE_W + GAP_X) - GAP_X + 32;
  const height = rows * (NODE_H + GAP_Y) + 56;
  const at = new Map<string, { x: number; y: number }>();
  columns.forEach((column, c) => {
    const offset = ((rows - column.length) * (NODE_H + GAP_Y)) / 2;
    column.forEach((node, r) => at.set(node.id, { x: 16 + c * (NODE_W + GAP_X), y: 40 + offset + r * (NODE_H + GAP_Y) }));
  });
  const body: string[] = [];
  COLUMNS.forEach((kind, c) =>
    body.push(
      `<text x="${16 + c * (NODE_W + GAP_X) + NODE_W / 2}" y="20" text-anchor="middle" font-weight="600">${escapeXml(COLUMN_TITLES[kind])}</text>`,
    ),
  );
  for (const e of graph.edges) {
    const a = at.get(e.from)!;
    const b = at.get(e.to)!;
    const x1 = a.x + NODE_W;
    const y1 = a.y + NODE_H / 2;
    const x2 = b.x;
    const y2 = b.y + NODE_H / 2;
    const mid = (x1 + x2) / 2;
    body.push(
      `<path class="edge" d="M${n(x1)} ${n(y1)}C${n(mid)} ${n(y1)} ${n(mid)} ${n(y2)} ${n(x2)} ${n(y2)}" fill="none" stroke="#8c959f" marker-end="url(#arrow)"/>`,
    );
    if (e.label)
      body.push(`<text x="${n(mid)}" y="${n((y1 + y2) / 2 - 4)}" text-anchor="middle" fill="#59636e">${escapeXml(e.label)}</text>`);
  }
  const colors: Record<LineageKind, string> = {
    data: "#ddf4ff",
    features: "#fbefff",
    model: "#fff8c5",
    version: "#dafbe1",
    deployment: "#ffebe9",
  };
  for (const node of graph.nodes) {
    const p = at.get(node.id)!;
    const box = `<rect class="node" data-kind="${node.kind}" x="${p.x}" y="${n(p.y)}" width="${NODE_W}" height="${NODE_H}" rx="6" fill="${colors[node.kind]}" stroke="#8c959f"/><text x="${p.x + 8}" y="${n(p.y + 16)}" font-weight="600">${escapeXml(clip(node.label))}</text><text x="${p.x + 8}" y="${n(p.y + 31)}" fill="#59636e">${escapeXml(clip(node.detail))}</text>`;
    body.push(node.href ? `<a href="${escapeXml(node.href)}">${box}</a>` : box);
  }
  body.unshift(
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0 0L10 5L0 10z" fill="#8c959f"/></marker></defs>',
  );
  return svgDocument(
    { width, height, left: 0, top: 0, right: width, bottom: height },
    "Lineage: data, features, models, versions and deployments",
    body,
    "chart lineage",
  );
}

function clip(text: string): string {
  return text.length > 22 ? `${text.slice(0, 21)}…` : text;
}
