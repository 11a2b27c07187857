/** Programs with operator chains as long as the parser allows, in every kind of expression. */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const fraud = fileURLToPath(new URL("../../examples/fraud/fraud.mlops", import.meta.url));

/** The parser's limit: 1,000 operators in a row is an error, 999 is not. */
export const CHAIN_TERMS = 999;

export const chain = (term: string, operator: string, terms = CHAIN_TERMS): string =>
  Array.from({ length: terms }, () => term).join(` ${operator} `);

/**
 * The fraud example with chains in features, an expectation, a gate threshold and monitor
 * conditions; with `errors`, two of them are ill-typed (a string added at the end of a sum,
 * a number where a policy needs a bool).
 */
export function deepProgram(errors: boolean): string {
  let text = readFileSync(fraud, "utf8");
  const after = (anchor: string, extra: string) => {
    if (!text.includes(anchor)) throw new Error(`the fraud example no longer contains ${anchor}`);
    text = text.replace(anchor, `${anchor}${extra}`);
  };
  after(
    '  country_b  = hash_bucket(coalesce(country, "unknown"), 32)\n',
    [
      `  sum = ${chain("amount", "+")}`,
      `  negs = ${chain("-amount", "-")}`,
      `  logic = ${chain("not (hour < 6)", "and")}`,
      `  product = ${chain("amount", "*")} > 3`,
      ...(errors ? [`  broken = ${chain("amount", "+")} + "x"`] : []),
      "",
    ].join("\n"),
  );
  after("    mean(amount) < 5000\n", `    ${chain("row_count", "+")} > 0\n`);
  after("  require recall >= 70%\n", `  require recall >= ${chain("0.0001", "+")}\n`);
  after("  when error_rate > 1%     => rollback(fraud_api)\n", `  when ${chain("error_rate > 1%", "or")} => alert(ml_oncall)\n`);
  if (errors) after("  when drift_share >= 30%  => retrain(fraud_clf)\n", `  when ${chain("drift_share", "+")} => alert(ml_oncall)\n`);
  return text;
}
