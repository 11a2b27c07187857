/**
 * The step DAG as a picture: one box per plan step, coloured by its kind,
 * an arrow for each `needs`, laid out top to bottom by dagre.
 */
import { graphlib, layout } from "@dagrejs/dagre";

export interface DagStep {
  id: string;
  kind: string;
  description: string;
  needs: string[];
}

const SVG = "http://www.w3.org/2000/svg";
const NODE_HEIGHT = 34;
const CHAR_WIDTH = 7.4;

function svg<K extends keyof SVGElementTagNameMap>(name: K, attributes: Record<string, string | number>): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  return element;
}

/** An `<svg>` of the steps; each step is a focusable group whose title is its description. */
export function renderDag(steps: DagStep[]): SVGSVGElement {
  const graph = new graphlib.Graph();
  graph.setGraph({ rankdir: "TB", nodesep: 18, ranksep: 36, marginx: 12, marginy: 12 });
  graph.setDefaultEdgeLabel(() => ({}));
  const known = new Set(steps.map((s) => s.id));
  for (const step of steps) graph.setNode(step.id, { width: Math.max(90, step.id.length * CHAR_WIDTH + 24), height: NODE_HEIGHT });
  for (const step of steps) for (const need of step.needs) if (known.has(need)) graph.setEdge(need, step.id);
  layout(graph);
  const size = graph.graph();
  const root = svg("svg", {
    viewBox: `0 0 ${Math.ceil(size.width ?? 0)} ${Math.ceil(size.height ?? 0)}`,
    width: Math.ceil(size.width ?? 0),
    height: Math.ceil(size.height ?? 0),
    role: "group",
    "aria-label": `Step DAG: ${steps.length} steps`,
    class: "dag-picture",
  });
  const defs = svg("defs", {});
  const marker = svg("marker", {
    id: "dag-arrow",
    viewBox: "0 0 10 10",
    refX: 9,
    refY: 5,
    markerWidth: 7,
    markerHeight: 7,
    orient: "auto-start-reverse",
  });
  marker.append(svg("path", { d: "M 0 0 L 10 5 L 0 10 z", class: "dag-arrowhead" }));
  defs.append(marker);
  root.append(defs);
  for (const edge of graph.edges()) {
    const points = graph.edge(edge).points ?? [];
    if (points.length === 0) continue;
    const d = points
      .map((p: { x: number; y: number }, i: number) => `${i === 0 ? "M" : "L"} ${p.x.toFixed(1)} ${p.y.toFixed(1)}`)
      .join(" ");
    root.append(svg("path", { d, class: "dag-edge", "marker-end": "url(#dag-arrow)", "data-from": edge.v, "data-to": edge.w }));
  }
  for (const step of steps) {
    const node = graph.node(step.id);
    const group = svg("g", {
      class: `dag-step kind-${step.kind}`,
      transform: `translate(${(node.x - node.width / 2).toFixed(1)} ${(node.y - node.height / 2).toFixed(1)})`,
      tabindex: 0,
      role: "img",
      "data-step": step.id,
      "data-kind": step.kind,
      "aria-label": `${step.id}: ${step.description}`,
    });
    const title = svg("title", {});
    title.textContent = `${step.id}\n${step.description}${step.needs.length ? `\nneeds ${step.needs.join(", ")}` : ""}`;
    group.append(title, svg("rect", { width: node.width, height: node.height, rx: 6, ry: 6 }));
    const label = svg("text", { x: node.width / 2, y: node.height / 2, "dominant-baseline": "central", "text-anchor": "middle" });
    label.textContent = step.id;
    group.append(label);
    root.append(group);
  }
  return root;
}
