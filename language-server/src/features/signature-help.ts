import type { ParameterInformation, SignatureHelp, SignatureInformation } from "vscode-languageserver";
import {
  AGGREGATES,
  FEATURE_FUNCTIONS,
  MONITOR_ACTIONS,
  ROLLOUTS,
  TARGETS,
  TRAINERS,
  slotToString,
  type ConstructorSpec,
} from "@mlops/compiler";
import type { ParsedDocument } from "../workspace.js";

/** Calls the language has besides feature functions and aggregates. */
const OTHER_CALLS: Record<string, { signature: string; doc: string }> = {
  cron: {
    signature: "cron(expression: string) -> schedule",
    doc: 'A five-field cron expression (`"0 2 * * *"`) or a macro such as `"@daily"`.',
  },
  every: { signature: "every(interval: duration) -> schedule", doc: "A fixed interval: `every(6h)`." },
  secret: { signature: "secret(name: string, key: string) -> secret", doc: "A reference to a secret; never rendered as plain text." },
  retrain: { signature: "retrain(model, cooldown?: duration) -> action", doc: MONITOR_ACTIONS.retrain ?? "" },
  rollback: { signature: "rollback(deployment, cooldown?: duration) -> action", doc: MONITOR_ACTIONS.rollback ?? "" },
  alert: { signature: "alert(notifier, cooldown?: duration) -> action", doc: MONITOR_ACTIONS.alert ?? "" },
  drifted: { signature: "drifted(column) -> bool", doc: "True when that column drifted in this check." },
};

const LOOKBACK = 4000;

interface OpenCall {
  kind: "call" | "constructor";
  name: string;
  /** Index of the argument (call) or the name of the field being written (constructor). */
  argument: number;
  field?: string;
  setFields: string[];
  inExpect: boolean;
}

/**
 * Signature help for standard functions (`hash_bucket(value, buckets)`),
 * aggregates, monitor actions, and the fields of constructors
 * (`logistic_regression { … }`). Works from the text before the cursor, so a
 * half-typed call with no closing bracket still gets help.
 */
export function signatureHelp(doc: ParsedDocument, offset: number): SignatureHelp | null {
  const open = openCallBefore(doc.text, offset);
  if (!open) return null;
  if (open.kind === "call") {
    const entry =
      (open.inExpect ? (AGGREGATES[open.name] ?? FEATURE_FUNCTIONS[open.name]) : (FEATURE_FUNCTIONS[open.name] ?? AGGREGATES[open.name])) ??
      OTHER_CALLS[open.name];
    if (!entry) return null;
    const signature = callSignature(entry.signature, entry.doc);
    const last = (signature.parameters?.length ?? 1) - 1;
    const variadic = entry.signature.includes("...");
    return { signatures: [signature], activeSignature: 0, activeParameter: variadic ? Math.min(open.argument, last) : open.argument };
  }
  const spec: ConstructorSpec | undefined = TRAINERS[open.name] ?? TARGETS[open.name] ?? ROLLOUTS[open.name];
  if (!spec) return null;
  const signature = constructorSignature(open.name, spec);
  let active = open.field ? spec.fields.findIndex((f) => f.name === open.field) : -1;
  if (active < 0) active = spec.fields.findIndex((f) => f.required && !open.setFields.includes(f.name));
  if (active < 0) active = spec.fields.findIndex((f) => !open.setFields.includes(f.name));
  return { signatures: [signature], activeSignature: 0, activeParameter: active < 0 ? spec.fields.length : active };
}

function callSignature(text: string, doc: string): SignatureInformation {
  const open = text.indexOf("(");
  const close = text.lastIndexOf(")");
  const parameters: ParameterInformation[] = [];
  if (open >= 0 && close > open) {
    let depth = 0;
    let start = open + 1;
    for (let i = open + 1; i <= close; i++) {
      const c = text[i];
      if (c === "(" || c === "[" || c === "<") depth++;
      else if ((c === ")" || c === "]" || c === ">") && i !== close && text[i - 1] !== "-") depth--;
      if ((c === "," && depth === 0) || i === close) {
        const part = text.slice(start, i);
        const lead = part.length - part.trimStart().length;
        parameters.push({ label: [start + lead, start + part.trimEnd().length] });
        start = i + 1;
      }
    }
  }
  return { label: text, documentation: { kind: "markdown", value: doc }, parameters };
}

function constructorSignature(name: string, spec: ConstructorSpec): SignatureInformation {
  let label = `${name} { `;
  const parameters: ParameterInformation[] = [];
  spec.fields.forEach((f, i) => {
    if (i > 0) label += ", ";
    const part = `${f.name}${f.required ? "" : "?"}: ${slotToString(f.slot)}${f.default !== undefined ? ` = ${f.default}` : ""}`;
    parameters.push({ label: [label.length, label.length + part.length], documentation: { kind: "markdown", value: f.doc } });
    label += part;
  });
  label += " }";
  return { label, documentation: { kind: "markdown", value: spec.doc }, parameters };
}

/** Scans back from `offset` for the innermost unclosed `name(` or `name {`. */
function openCallBefore(text: string, offset: number): OpenCall | undefined {
  const from = Math.max(0, offset - LOOKBACK);
  const masked = maskStringsAndComments(text.slice(from, offset));
  let depth = 0;
  let commas = 0;
  let fieldStart = masked.length;
  const setFields: string[] = [];
  for (let i = masked.length - 1; i >= 0; i--) {
    const c = masked[i];
    if (c === ")" || c === "]" || c === "}") depth++;
    else if (c === "(" || c === "[" || c === "{") {
      if (depth > 0) {
        depth--;
        continue;
      }
      if (c === "[") {
        commas = 0;
        fieldStart = masked.length;
        continue; // inside a list argument: keep looking for the call around it
      }
      const name = /([A-Za-z_][A-Za-z0-9_]*)\s*$/.exec(masked.slice(0, i))?.[1];
      if (!name) return undefined;
      const inExpect = /\bexpect\s*\{[^}]*$/.test(masked.slice(0, i));
      if (c === "(") return { kind: "call", name, argument: commas, setFields, inExpect };
      const wordAfter = /^[A-Za-z0-9_]*/.exec(text.slice(offset))![0];
      const entry = masked.slice(fieldStart === masked.length ? i + 1 : fieldStart) + wordAfter;
      for (const m of masked.slice(i + 1).matchAll(/(?:^|[{,\n])\s*([A-Za-z_][A-Za-z0-9_]*)\s*=/g)) setFields.push(m[1]!);
      const field = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=/.exec(entry)?.[1] ?? /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*$/.exec(entry)?.[1];
      return { kind: "constructor", name, argument: 0, ...(field ? { field } : {}), setFields, inExpect };
    } else if (depth === 0 && (c === "," || c === "\n")) {
      if (c === ",") commas++;
      if (fieldStart === masked.length) fieldStart = i + 1;
    }
  }
  return undefined;
}

/** Blanks out string contents and comments (keeping length) so brackets inside them do not count. */
function maskStringsAndComments(text: string): string {
  let out = "";
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === "/" && text[i + 1] === "/") {
      const end = text.indexOf("\n", i);
      const stop = end < 0 ? text.length : end;
      out += " ".repeat(stop - i);
      i = stop;
    } else if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"' && text[j] !== "\n") j += text[j] === "\\" ? 2 : 1;
      const stop = Math.min(text.length, j + 1);
      out += `"${" ".repeat(Math.max(0, stop - i - 2))}${stop - i >= 2 ? '"' : ""}`;
      i = stop;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}
