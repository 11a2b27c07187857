/**
 * Prefixes every value name of a decoded graph (and of the subgraphs in its nodes' attributes),
 * so another model's graph can be placed next to ours without a name clash. The renaming is
 * consistent everywhere a name appears, so references from subgraphs to outer values still hold.
 */
import type { AttributeMessage, GraphMessage, NodeMessage, TensorMessage, ValueInfoMessage } from "@mlops/compiler";

export function prefixGraphNames(graph: GraphMessage, prefix: string): GraphMessage {
  const rename = (name: string | undefined): string => (name ? `${prefix}${name}` : (name ?? ""));
  const value = (v: ValueInfoMessage): ValueInfoMessage => ({ ...v, name: rename(v.name) });
  const tensor = (t: TensorMessage): TensorMessage => ({ ...t, name: rename(t.name) });
  return {
    ...graph,
    node: (graph.node ?? []).map((n) => prefixNode(n, prefix, rename)),
    initializer: (graph.initializer ?? []).map(tensor),
    input: (graph.input ?? []).map(value),
    output: (graph.output ?? []).map(value),
    valueInfo: (graph.valueInfo ?? []).map(value),
    sparseInitializer: (graph.sparseInitializer ?? []).map((s) => ({
      ...s,
      ...(s.values ? { values: tensor(s.values) } : {}),
      ...(s.indices ? { indices: tensor(s.indices) } : {}),
    })),
    quantizationAnnotation: (graph.quantizationAnnotation ?? []).map((q) => ({
      ...q,
      tensorName: rename(q.tensorName),
      quantParameterTensorNames: (q.quantParameterTensorNames ?? []).map((e) => ({ ...e, value: rename(e.value) })),
    })),
  };
}

function prefixNode(node: NodeMessage, prefix: string, rename: (name: string | undefined) => string): NodeMessage {
  return {
    ...node,
    input: node.input.map(rename),
    output: node.output.map(rename),
    name: rename(node.name),
    attribute: (node.attribute ?? []).map((a) => prefixAttribute(a, prefix)),
  };
}

function prefixAttribute(attribute: AttributeMessage, prefix: string): AttributeMessage {
  if (!attribute.g && !attribute.graphs?.length) return attribute;
  return {
    ...attribute,
    ...(attribute.g ? { g: prefixGraphNames(attribute.g, prefix) } : {}),
    ...(attribute.graphs?.length ? { graphs: attribute.graphs.map((g) => prefixGraphNames(g, prefix)) } : {}),
  };
}
