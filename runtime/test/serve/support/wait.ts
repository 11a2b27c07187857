/** Polls `condition` every 25 ms for up to `ms` (a loaded machine can be slow; nothing here measures time). */
export async function waitUntil(condition: () => boolean | Promise<boolean>, what = "the condition", ms = 60_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error(`${what} was not reached within ${ms / 1000} s`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
