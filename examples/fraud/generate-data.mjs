// Generates data/transactions.csv deterministically (seeded), so the example
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
const random = mulberry32(20261127);
const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
const pick = (items, weights) => {
  let r = random() * weights.reduce((a, b) => a + b, 0);
  for (let i = 0; i < items.length; i++) if ((r -= weights[i]) < 0) return items[i];
  return items[items.length - 1];
};

const rows = ["tx_id,amount,merchant_category,hour,country,created_at,is_fraud"];
const start = Date.UTC(2026, 0, 1);
for (let i = 0; i < 20000; i++) {
  const category = pick(["grocery", "travel", "online", "fuel"], [40, 15, 30, 15]);
  const hour = Math.floor(random() * 24);
  const amount = Math.min(99999, Math.round(Math.exp(3.6 + 1.0 * normal()) * 100) / 100);
  const country = pick(["US", "GB", "DE", "FR", ""], [40, 20, 20, 18, 2]);
  const night = hour < 6 || hour >= 22 ? 1 : 0;
  const logit = -2.9 + 2.8 * (Math.log1p(amount) - 3.6) + 3.6 * night + 2.6 * (category === "online") + 1.3 * (category === "travel");
  const isFraud = random() < 1 / (1 + Math.exp(-logit));
  const createdAt = new Date(start + i * 157_000).toISOString();
  rows.push(`tx${String(i).padStart(6, "0")},${amount.toFixed(2)},${category},${hour},${country},${createdAt},${isFraud}`);
}
writeFileSync(new URL("./data/transactions.csv", import.meta.url), `${rows.join("\n")}\n`);
console.log(`wrote ${rows.length - 1} rows to data/transactions.csv`);
