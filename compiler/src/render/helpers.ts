import Handlebars from "handlebars";
import { dockerExecForm, jsonString, neutralizeJinja, pythonString } from "./escape.js";

/** Extensions that make Airflow read a templated string as a template file (KubernetesPodOperator's `template_ext`). */
export const AIRFLOW_TEMPLATE_EXTENSIONS = [".yaml", ".yml", ".json"] as const;
import { RenderError } from "./names.js";

function expectString(value: unknown, helper: string): string {
  if (typeof value !== "string") throw new RenderError(`template helper ${helper} expects a string, got ${typeof value}`);
  return value;
}

function expectInteger(value: unknown, helper: string): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value))
    throw new RenderError(`template helper ${helper} expects an integer, got ${String(value)}`);
  return value;
}

/** A one-line comment body: line breaks of any kind become spaces (callers pass already-escaped user text). */
function commentBody(value: string): string {
  return value.replace(/[\r\n\u0085\u2028\u2029]/g, " ");
}

/** The escaping helpers, the only way a template may print a value. */
export const ESCAPING_HELPERS = {
  /** A Python string literal. */
  py: (value: unknown) => pythonString(expectString(value, "py")),
  /** A Python string literal for an Airflow templated field: Jinja renders it back to exactly the value. */
  jinja: (value: unknown) => pythonString(neutralizeJinja(expectString(value, "jinja"), AIRFLOW_TEMPLATE_EXTENSIONS)),
  /** A Python bool. */
  bool: (value: unknown) => {
    if (typeof value !== "boolean") throw new RenderError(`template helper bool expects a boolean, got ${typeof value}`);
    return value ? "True" : "False";
  },
  /** A decimal integer (Python, Dockerfile, JavaScript). */
  int: (value: unknown) => String(expectInteger(value, "int")),
  /** A `#` comment line. */
  comment: (value: unknown) => `# ${commentBody(expectString(value, "comment"))}`,
  /** A `//` comment line. */
  jsComment: (value: unknown) => `// ${commentBody(expectString(value, "jsComment"))}`,
  /** A JavaScript/JSON string literal. */
  js: (value: unknown) => jsonString(expectString(value, "js")),
  /** A Dockerfile exec-form JSON array. */
  execForm: (value: unknown) => {
    if (!Array.isArray(value) || !value.every((item) => typeof item === "string"))
      throw new RenderError("template helper execForm expects a string array");
    return dockerExecForm(value as string[]);
  },
  /** A bare Dockerfile word (image, path): only characters no Dockerfile parser treats specially. */
  dockerWord: (value: unknown) => {
    const word = expectString(value, "dockerWord");
    if (!/^[A-Za-z0-9_./:@-]+$/.test(word)) throw new RenderError(`${JSON.stringify(word)} cannot be a bare Dockerfile word`);
    return word;
  },
} as const;

export type TemplateFn = (context: object) => string;

/** Compiles a template in an isolated Handlebars environment: no HTML escaping, missing fields throw. */
export function compileTemplate(source: string): TemplateFn {
  const env = Handlebars.create();
  for (const [name, helper] of Object.entries(ESCAPING_HELPERS)) env.registerHelper(name, helper);
  const template = env.compile(source, { noEscape: true, strict: true });
  return (context) => template(context);
}
