import { parseAllDocuments } from "yaml";
import { schemaErrors } from "./k8s-rules.js";

/** Validates an object strictly against its schema (unknown fields are errors); returns the errors joined, or null. */
export function modelError(object: Record<string, any>): string | null {
  const errors = schemaErrors(object);
  return errors.length === 0 ? null : errors.join("; ");
}

/** Parses (multi-document) YAML as YAML 1.1, the way Kubernetes tooling reads it; throws on any error. */
export function parseYaml11(text: string): any[] {
  return parseAllDocuments(text, { version: "1.1" })
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(doc.errors.map((e) => e.message).join("; "));
      return doc.toJS();
    })
    .filter((value) => value !== null);
}
