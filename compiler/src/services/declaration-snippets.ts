/**
 * One completion item per declaration keyword at the top level, with a
 * snippet of the whole declaration (LSP snippet syntax) whose choices name
 * the program's own sources, models and deployments. The only source of
 * declaration snippets: the VS Code extension contributes none of its own, so
 * each keyword is offered once.
 */
import type { DeclKind } from "../checker/types.js";
import type { Program } from "../program/program.js";
import type { CompletionItem } from "./completion.js";

const KEYWORD_DOCS: Record<string, string> = {
  pipeline: "The pipeline's metadata (exactly one per compilation).",
  import: "Brings another file's declarations (or a stdlib module) into scope.",
  param: "A typed parameter, overridable per env.",
  env: "An environment: overrides of params (`mlops build --env NAME`).",
  source: "Where data comes from and what it must look like.",
  features: "Feature expressions computed from a source's columns.",
  model: "A model: task, features, target and trainer.",
  gate: "The bar a model must pass before it is released.",
  deploy: "Where and how a model is served.",
  monitor: "Drift and health checks on a deployment, with policies.",
  notifier: "Where a monitor's `alert(...)` posts: a webhook and its payload format.",
  template: "A reusable partial block that others `extends`.",
};

/** `${n|a,b|}` with the program's names of that kind, else `${n:fallback}`. */
function choice(program: Program, n: number, kind: DeclKind, fallback: string): string {
  const names = program
    .symbols()
    .blocksOf(kind)
    .map((s) => s.name)
    .filter((name) => /^[A-Za-z_][A-Za-z_0-9]*$/.test(name));
  return names.length > 0 ? `\${${n}|${[...new Set(names)].join(",")}|}` : `\${${n}:${fallback}}`;
}

function bodies(program: Program): Record<string, string> {
  const source = (n: number) => choice(program, n, "source", "source");
  const model = (n: number) => choice(program, n, "model", "model");
  return {
    pipeline:
      '/// ${2:What this ML system does.}\npipeline ${1:name} {\n  owner       = "${3:team@example.com}"\n  description = "${4:description}"\n}',
    import: 'import "${1:./common.mlops}"',
    param: "param ${1:name}: ${2|int,float,bool,string,ratio,duration,cpu,memory|} = ${3:value}",
    env: "env ${1:prod} {\n  ${2:param} = ${3:value}\n}",
    source:
      'source ${1:name} {\n  format = ${2|csv,jsonl,parquet|}\n  path   = "${3:data/${1}.${2}}"\n  schema {\n    ${4:id}: ${5|string,int,float,bool,timestamp,date|}\n    ${6:label}: ${7|bool,int,float,string|}\n  }\n  expect {\n    row_count >= ${8:1000}\n    null_rate(${4}) <= ${9:5%}\n  }\n}',
    features: `features \${1:name} from ${source(2)} {\n  \${3:feature} = \${4:standardize(\${5:column})}\n}`,
    model:
      "model ${1:name} {\n  task     = ${2|binary_classification,multiclass_classification,regression|}\n  features = ${3:feature_set}\n" +
      `  target   = ${source(4)}.\${5:label}\n  split    = { test = \${6:20%}, seed = \${7:42} }\n` +
      "  trainer  = ${8|logistic_regression,softmax_regression,linear_regression|} { epochs = ${9:200} }\n}",
    gate: `gate \${1:name} {\n  model = ${model(2)}\n  require \${3:auc} >= \${4:85%}\n  require latency_p95 <= \${5:20ms}\n}`,
    deploy:
      `deploy \${1:name} {\n  model  = ${model(2)}\n  target = kubernetes {\n    namespace = "\${3:default}"\n` +
      '    image     = "${4:registry.example.com/mlops-runtime:1.0}"\n    replicas  = ${5:2}\n    cpu       = ${6:500m}\n    memory    = ${7:512Mi}\n  }\n' +
      '  endpoint = { path = "${8:/v1/${1}}", port = ${9:8080} }\n}',
    monitor:
      `monitor \${1:name} {\n  deployment = ${choice(program, 2, "deploy", "deployment")}\n  reference  = training\n  window     = \${3:1d}\n` +
      "  schedule   = every(${4:6h})\n  drift ${5:column}: ${6|psi,wasserstein,jensen_shannon,auto|} > ${7:0.2}\n" +
      `  when drift_share >= \${8:30%} => retrain(${model(9)})\n}`,
    notifier: 'notifier ${1:ml_oncall} {\n  webhook = secret("${2:ml-oncall}", "${3:webhook}")\n  format  = ${4|json,slack|}\n}',
    template: "template ${1|deploy,model,gate,monitor,source,notifier|} ${2:name} {\n  $0\n}",
  };
}

/** The declaration keywords (no `pipeline` when the compilation has one), each with its snippet. */
export function declarationItems(program: Program): CompletionItem[] {
  const hasPipeline = program.symbols().pipelines.length > 0;
  return Object.entries(bodies(program))
    .filter(([keyword]) => !(keyword === "pipeline" && hasPipeline))
    .map(([keyword, snippet]) => ({
      label: keyword,
      kind: "keyword" as const,
      detail: `${keyword} declaration`,
      documentation: KEYWORD_DOCS[keyword]!,
      insertText: `${keyword} `,
      snippet,
    }));
}
