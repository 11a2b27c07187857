// generated from "house_prices", plan 004631a7a02f9699d0bdf3eda4b3f8e3d52838d755e2ae26d5832b52ae1b45b8 — do not edit
// Docker HEALTHCHECK: exits 0 when the model server on MLOPS_HEALTH_PORT answers /health/ready with 200.
const port = Number(process.env.MLOPS_HEALTH_PORT || 8081);
const request = require("node:http").get({ host: "127.0.0.1", port, path: "/health/ready", timeout: 4000 }, (response) => {
  process.exit(response.statusCode === 200 ? 0 : 1);
});
request.on("timeout", () => request.destroy(new Error("timeout")));
request.on("error", () => process.exit(1));
