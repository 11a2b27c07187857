// generated from "house_prices", plan 185ed1f29bf17a6c04f6376c2aef16c4d96696ef958865810fda56b754fe908f — do not edit
// Docker HEALTHCHECK: exits 0 when the model server on MLOPS_HEALTH_PORT answers /health/ready with 200.
const port = Number(process.env.MLOPS_HEALTH_PORT || 8081);
const request = require("node:http").get({ host: "127.0.0.1", port, path: "/health/ready", timeout: 4000 }, (response) => {
  process.exit(response.statusCode === 200 ? 0 : 1);
});
request.on("timeout", () => request.destroy(new Error("timeout")));
request.on("error", () => process.exit(1));
