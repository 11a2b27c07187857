// generated from "fraud_detection", plan 7be93cc8fb855e31ff07e629cd9dee00b8049bcf777cc3621ef95187264288dc — do not edit
// Docker HEALTHCHECK: exits 0 when the model server on MLOPS_HEALTH_PORT answers /v2/health/ready with 200.
const port = Number(process.env.MLOPS_HEALTH_PORT || 8080);
const request = require("node:http").get({ host: "127.0.0.1", port, path: "/v2/health/ready", timeout: 4000 }, (response) => {
  process.exit(response.statusCode === 200 ? 0 : 1);
});
request.on("timeout", () => request.destroy(new Error("timeout")));
request.on("error", () => process.exit(1));
