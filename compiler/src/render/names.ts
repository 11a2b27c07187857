import { sha256Hex } from "../util/sha256.js";

/** A value a renderer cannot carry into an artifact; the message names the field and what is allowed. */
export class RenderError extends Error {
  override readonly name = "RenderError";
}

const DNS_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/**
 * A DNS-1035 label (lowercase letters, digits, `-`, starting with a letter, at most `max`
 * characters) for `raw`. Identifiers map naturally (`fraud_api` → `fraud-api`); any other
 * input is sanitised and suffixed with 8 hex digits of its sha256 so distinct inputs
 * keep distinct names. The exact value is kept in an annotation by the callers.
 */
export function dnsLabel(raw: string, max = 63): string {
  const natural = raw.replace(/_/g, "-");
  if (natural.length <= max && DNS_LABEL.test(natural)) return natural;
  let base = raw
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  if (!/^[a-z]/.test(base)) base = `x-${base}`;
  base = base.slice(0, max - 9).replace(/-+$/g, "");
  return `${base}-${sha256Hex(raw).slice(0, 8)}`;
}

/** An Airflow dag_id/task_id (`[A-Za-z0-9_.-]`, at most 250): kept when valid, else sanitised + hash suffix. */
export function airflowKey(raw: string): string {
  if (/^[A-Za-z0-9_.-]{1,250}$/.test(raw)) return raw;
  const base = raw.replace(/[^A-Za-z0-9_.-]+/g, "_").slice(0, 200);
  return `${base}_${sha256Hex(raw).slice(0, 8)}`;
}

/** Throws unless `value` is a DNS-1123 label (Kubernetes namespaces). */
export function requireNamespace(value: string, where: string): string {
  if (value.length > 63 || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(value)) {
    throw new RenderError(
      `${where}: namespace ${JSON.stringify(value)} is not a valid Kubernetes namespace (lowercase letters, digits and '-', at most 63 characters, starting and ending with a letter or digit)`,
    );
  }
  return value;
}

/** Throws unless `value` is a DNS-1123 subdomain (the names of most Kubernetes objects). */
export function requireObjectName(value: string, where: string): string {
  if (value.length > 253 || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(value)) {
    throw new RenderError(`${where}: ${JSON.stringify(value)} is not a valid Kubernetes object name`);
  }
  return value;
}

/** Throws unless `value` names a Secret and key Kubernetes accepts (DNS-1123 subdomain; key `[-._a-zA-Z0-9]+`). */
export function requireSecretRef(name: string, key: string, where: string): void {
  requireObjectName(name, `${where}: secret name`);
  if (key.length > 253 || !/^[-._a-zA-Z0-9]+$/.test(key)) {
    throw new RenderError(`${where}: secret key ${JSON.stringify(key)} is not a valid Secret key ([-._a-zA-Z0-9]+)`);
  }
}

/** Throws unless `name` is a portable environment variable name. */
export function requireEnvName(name: string, where: string): void {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw new RenderError(`${where}: environment variable name ${JSON.stringify(name)} must match [A-Za-z_][A-Za-z0-9_]*`);
  }
}

/**
 * Throws unless `image` pins a version: a tag other than `latest` or a digest. A mutable
 * tag makes a rollout unreproducible, so the renderers refuse it instead of warning.
 */
export function requirePinnedImage(image: string, where: string): string {
  if (image.trim() === "") {
    throw new RenderError(`${where}: image ${JSON.stringify(image)} is empty`);
  }
  if (/@sha256:[0-9a-f]{64}$/.test(image)) return image;
  const lastSegment = image.slice(image.lastIndexOf("/") + 1);
  const colon = lastSegment.lastIndexOf(":");
  if (colon < 0) {
    throw new RenderError(`${where}: image ${JSON.stringify(image)} has no tag; pin a version (name:1.2.3) or a digest (name@sha256:...)`);
  }
  const tag = lastSegment.slice(colon + 1);
  if (tag === "") throw new RenderError(`${where}: image ${JSON.stringify(image)} has an empty tag`);
  if (tag === "latest") {
    throw new RenderError(`${where}: image ${JSON.stringify(image)} uses the mutable tag 'latest'; pin a version or a digest`);
  }
  return image;
}
