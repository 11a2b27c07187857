// generated from "fraud_detection", plan d0bdeaeeefa0db8fda877fbcd53851298cc975247b4541ec422d9b772ec0a269 — do not edit
// Docker HEALTHCHECK: exits 0 when the model server on MLOPS_HEALTH_PORT answers /health/ready with 200.
const port = Number(process.env.MLOPS_HEALTH_PORT || 8080);
const request = require("node:http").get({ host: "127.0.0.1", port, path: "/health/ready", timeout: 4000 }, (response) => {
  process.exit(response.statusCode === 200 ? 0 : 1);
});
request.on("timeout", () => request.destroy(new Error("timeout")));
request.on("error", () => process.exit(1));
