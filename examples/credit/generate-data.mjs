// Generates data/applications.csv deterministically (seeded), so the example
// needs no download. Run: node generate-data.mjs
import { writeFileSync } from "node:fs";

function mulberry32(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = mulberry32(20261205);
const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
const pick = (items, weights) => {
  let r = random() * weights.reduce((a, b) => a + b, 0);
  for (let i = 0; i < items.length; i++) if ((r -= weights[i]) < 0) return items[i];
  return items[items.length - 1];
};

const rows = ["application_id,age,income,debt_ratio,late_payments,employment,defaulted"];
for (let i = 0; i < 4000; i++) {
  const age = Math.min(90, Math.max(18, Math.round(42 + 13 * normal())));
  const employment = pick(["salaried", "self_employed", "unemployed", "retired"], [60, 20, 8, 12]);
  const income = Math.max(0, Math.round(Math.exp(10.6 + 0.5 * normal()) * (employment === "unemployed" ? 0.3 : 1)));
  const debtRatio = Math.min(5, Math.max(0, Math.round(Math.exp(-1 + 0.6 * normal()) * 1000) / 1000));
  const late = Math.min(20, Math.floor(-Math.log(1 - random()) * (0.6 + debtRatio)));
  const logit =
    -3.2 + 0.55 * late + 1.4 * debtRatio - 0.6 * (Math.log(income + 1) - 10.6) + 1.1 * (employment === "unemployed") - 0.015 * (age - 42);
  const defaulted = random() < 1 / (1 + Math.exp(-logit));
  rows.push(`app${String(i).padStart(5, "0")},${age},${income},${debtRatio},${late},${employment},${defaulted}`);
}
writeFileSync(new URL("./data/applications.csv", import.meta.url), `${rows.join("\n")}\n`);
console.log(`wrote ${rows.length - 1} rows to data/applications.csv`);
