/** `count(1, "rule")` → "1 rule", `count(0, "policy", "policies")` → "0 policies": a number with its noun, never "rule(s)". */
export function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}
