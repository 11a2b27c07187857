/** The worker-thread side of `FitPool`: runs fit tasks it is sent, one at a time. */
import { parentPort, workerData } from "node:worker_threads";
import { runFitTask, type FitTask } from "./fit-task.js";

export const FIT_WORKER_ROLE = "mlops-search-fit";

export type ToFitWorker = { id: number; task: FitTask };
export type FromFitWorker = { id: number; ok: true; result: ReturnType<typeof runFitTask> } | { id: number; ok: false; message: string };

const port = parentPort;
if (port && (workerData as { role?: string } | undefined)?.role === FIT_WORKER_ROLE) {
  port.on("message", ({ id, task }: ToFitWorker) => {
    let reply: FromFitWorker;
    try {
      reply = { id, ok: true, result: runFitTask(task) };
    } catch (error) {
      reply = { id, ok: false, message: error instanceof Error ? error.message : String(error) };
    }
    port.postMessage(reply, reply.ok ? [reply.result.predictions.buffer as ArrayBuffer] : []);
  });
}
