/**
 * The containers that run one plan step, described once for every orchestrator.
 *
 * A step is `mlops run-step --plan PLAN --root PROJECT --step ID --run-id RUN` in the runtime image.
 * An external trainer with its own `image` is three containers sharing an `exchange` directory:
 * `prepare` (runtime image) writes the training data there, the trainer's image runs its command,
 * `collect` (runtime image) checks the ONNX file and stores it in the artifact store. The runtime
 * image never needs the trainer's toolchain, and the trainer's image never needs the mlops CLI.
 */
import type { EnvValue, Plan, Step, StepExecution } from "../plan/types.js";
import { dnsLabel } from "./names.js";
import { LAYOUT, requireRuntimeImage, type Settings, sortedEnv, stepEnv } from "./options.js";

/** Where the orchestrator's run id goes in an argument list (`$(MLOPS_RUN_ID)`, `{{ run_id }}`). */
export const RUN_ID = Symbol("run id");
export type Arg = string | typeof RUN_ID;

export interface StepContainer {
  /** A DNS label, unique within the pod. */
  name: string;
  image: string;
  command: string[];
  args: Arg[];
  env: Array<[string, EnvValue]>;
  cpuMillis: number;
  memoryBytes: number;
  gpu: number;
  /** Set for a trainer in its own image: it runs from the image's own working directory. */
  ownImage: boolean;
  /** Mounts the pod's exchange directory (`LAYOUT.exchangeDir`). */
  exchange: boolean;
}

/** Project-relative directories a step writes outside the stores (a batch deployment's file output; an `s3://` output needs none). */
export function writableDirs(plan: Plan, step: Step): string[] {
  if (step.kind !== "batch_predict") return [];
  const target = plan.deployments[step.subject.name]?.target;
  if (target?.kind !== "batch" || target.output.startsWith("s3://")) return [];
  const dir = target.output.includes("/") ? target.output.slice(0, target.output.lastIndexOf("/")) : ".";
  return [dir];
}

function runStep(step: Step, extra: string[] = []): Arg[] {
  return ["run-step", "--plan", LAYOUT.planPath, "--root", LAYOUT.workdir, "--step", step.id, "--run-id", RUN_ID, ...extra];
}

function sized(execution: StepExecution, gpu: boolean): Pick<StepContainer, "cpuMillis" | "memoryBytes" | "gpu"> {
  return { cpuMillis: execution.cpuMillis, memoryBytes: execution.memoryBytes, gpu: gpu ? execution.gpu : 0 };
}

/** The containers of one step, in the order they run. */
export function stepContainers(plan: Plan, settings: Settings, step: Step): StepContainer[] {
  const runtime = requireRuntimeImage(settings);
  const env = sortedEnv(stepEnv(plan, step), `step ${JSON.stringify(step.id)}`);
  const name = dnsLabel(step.id.replace(/\./g, "-"), 55);
  const trainer = step.kind === "train" ? plan.models[step.subject.name]?.trainer : undefined;
  if (trainer?.kind !== "external" || trainer.image === undefined) {
    return [
      {
        name,
        image: runtime,
        command: ["mlops"],
        args: runStep(step),
        env,
        ...sized(step.execution, true),
        ownImage: false,
        exchange: false,
      },
    ];
  }
  const light = { cpuMillis: 500, memoryBytes: Math.min(step.execution.memoryBytes, 1024 ** 3), gpu: 0 };
  const exchange = ["--exchange", LAYOUT.exchangeDir];
  const output = `${LAYOUT.exchangeDir}/${trainer.output.slice(trainer.output.lastIndexOf("/") + 1)}`;
  const model = plan.models[step.subject.name]!;
  const classes = model.target.classes ?? [];
  const contract: Array<[string, EnvValue]> = [
    ["MLOPS_CLASSES", { kind: "literal", value: classes.join(",") }],
    ["MLOPS_OUTPUT", { kind: "literal", value: output }],
    ["MLOPS_TARGET", { kind: "literal", value: model.target.column }],
    ["MLOPS_TASK", { kind: "literal", value: model.task }],
    ["MLOPS_TEST_DATA", { kind: "literal", value: `${LAYOUT.exchangeDir}/test.csv` }],
    ["MLOPS_TRAIN_DATA", { kind: "literal", value: `${LAYOUT.exchangeDir}/train.csv` }],
  ];
  return [
    {
      name: dnsLabel(`${name}-prepare`, 63),
      image: runtime,
      command: ["mlops"],
      args: ["run-step", "--plan", LAYOUT.planPath, "--root", LAYOUT.workdir, "--step", step.id, ...exchange, "--stage", "prepare"],
      env: [],
      ...light,
      ownImage: false,
      exchange: true,
    },
    {
      name,
      image: trainer.image,
      command: trainer.command,
      args: [],
      env: [...env, ...contract].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
      ...sized(step.execution, true),
      ownImage: true,
      exchange: true,
    },
    {
      name: dnsLabel(`${name}-collect`, 63),
      image: runtime,
      command: ["mlops"],
      args: runStep(step, [...exchange, "--stage", "collect"]),
      env: [],
      ...light,
      ownImage: false,
      exchange: true,
    },
  ];
}
