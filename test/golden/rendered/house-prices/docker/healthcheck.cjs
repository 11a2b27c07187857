// generated from "house_prices", plan 852b56ea24b3bfdfa8cefae0bf6dbc1c2abb45340ec505d4e363f1beac84c7f5 — do not edit
// Docker HEALTHCHECK: exits 0 when the model server on MLOPS_HEALTH_PORT answers /v2/health/ready with 200.
const port = Number(process.env.MLOPS_HEALTH_PORT || 8081);
const request = require("node:http").get({ host: "127.0.0.1", port, path: "/v2/health/ready", timeout: 4000 }, (response) => {
  process.exit(response.statusCode === 200 ? 0 : 1);
});
request.on("timeout", () => request.destroy(new Error("timeout")));
request.on("error", () => process.exit(1));
