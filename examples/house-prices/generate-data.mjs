// Generates data/sales.parquet deterministically (seeded), so the example
// needs no download. Run: node generate-data.mjs
import { parquetWriteFile } from "hyparquet-writer";

function mulberry32(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = mulberry32(7001);
const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());

const zipcodes = Array.from({ length: 20 }, (_, i) => String(98001 + i * 7));
const zipEffect = Object.fromEntries(zipcodes.map((z) => [z, Math.round((random() - 0.5) * 120000)]));
const columns = { sqft: [], bedrooms: [], zipcode: [], year_built: [], sold_at: [], price: [] };
const start = Date.UTC(2024, 0, 1);
for (let i = 0; i < 5000; i++) {
  const sqft = Math.round(Math.min(19000, Math.max(350, 1800 * Math.exp(0.4 * normal()))));
  const bedrooms = Math.max(1, Math.min(9, Math.round(sqft / 650 + normal())));
  const zipcode = zipcodes[Math.floor(random() * zipcodes.length)];
  const yearBuilt = random() < 0.06 ? null : 1900 + Math.floor(random() * 125);
  const soldAt = new Date(start + Math.floor(random() * 730) * 86_400_000).toISOString().slice(0, 10);
  const age = 2026 - (yearBuilt ?? 1965);
  const price = 60000 + 140 * sqft + 12000 * bedrooms - 700 * age + zipEffect[zipcode] + 22000 * normal();
  columns.sqft.push(sqft);
  columns.bedrooms.push(bedrooms);
  columns.zipcode.push(zipcode);
  columns.year_built.push(yearBuilt);
  columns.sold_at.push(soldAt);
  columns.price.push(Math.round(Math.max(20000, price)));
}
parquetWriteFile({
  filename: new URL("./data/sales.parquet", import.meta.url).pathname,
  columnData: [
    { name: "sqft", data: columns.sqft, type: "DOUBLE" },
    { name: "bedrooms", data: columns.bedrooms, type: "INT32" },
    { name: "zipcode", data: columns.zipcode, type: "STRING" },
    { name: "year_built", data: columns.year_built, type: "INT32" },
    { name: "sold_at", data: columns.sold_at, type: "STRING" },
    { name: "price", data: columns.price, type: "DOUBLE" },
  ],
});
console.log(`wrote ${columns.price.length} rows to data/sales.parquet`);
