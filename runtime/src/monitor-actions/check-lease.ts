/**
 * One check of a monitor at a time: a check runs while holding the metadata store's lease
 * `monitor:NAME` (`store/named-leases.ts`), renewed every third of its length while it works, so
 * two `mlops monitor` processes started at once — two schedulers, a cron job and a person — never
 * both evaluate and act. The second does not wait: it fails at once with who holds the lease and
 * since when (a scheduler's next tick, or its retry, checks again). A holder that was killed frees
 * the lease at once on its own host, else when the lease expires.
 */
import { StepFailure, type StepContext } from "../executor/step-context.js";
import { describeHolder } from "../store/named-leases.js";
import { currentProcess, formatIdentity } from "../store/process-identity.js";

export async function withCheckLease<T>(ctx: StepContext, monitor: string, check: () => Promise<T>): Promise<T> {
  const name = `monitor:${monitor}`;
  const taken = await ctx.metadata.acquireLease(name);
  if (!taken.acquired) {
    // an earlier attempt of this step, abandoned at its timeout, may still be finishing its action
    const who = taken.holder.owner === formatIdentity(currentProcess()) ? "another check in this process" : "another process";
    throw new StepFailure(`monitor ${monitor} is being checked by ${who}: ${describeHolder(taken.holder)}; this check did not run`);
  }
  const { token } = taken;
  let lost = false;
  const renewal = setInterval(
    () => {
      ctx.metadata.renewLease(name, token).then(
        (held) => {
          if (!held && !lost) {
            lost = true;
            ctx.note(
              `the lease on monitor ${monitor} expired while this check ran (the process stalled for over ${ctx.metadata.leaseMs} ms)`,
            );
          }
        },
        () => {
          // a failed renewal is retried on the next tick; the lease outlives two missed ones
        },
      );
    },
    Math.max(1, Math.floor(ctx.metadata.leaseMs / 3)),
  );
  renewal.unref();
  try {
    return await check();
  } finally {
    clearInterval(renewal);
    await ctx.metadata.releaseLease(name, token);
  }
}
