// generated from "iris_species", plan ee6baab324fe73b6974bf1c42b2406c20e8ad1670c9331798442160e1b7aaae5 — do not edit
// Docker HEALTHCHECK: exits 0 when the model server on MLOPS_HEALTH_PORT answers /v2/health/ready with 200.
const port = Number(process.env.MLOPS_HEALTH_PORT || 8080);
const request = require("node:http").get({ host: "127.0.0.1", port, path: "/v2/health/ready", timeout: 4000 }, (response) => {
  process.exit(response.statusCode === 200 ? 0 : 1);
});
request.on("timeout", () => request.destroy(new Error("timeout")));
request.on("error", () => process.exit(1));
