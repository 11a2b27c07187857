// generated from "iris_species", plan f37d672e6b01476bd59bf1e7fbd3eb788f90c88cc01ccb245792ac174789e269 — do not edit
// Docker HEALTHCHECK: exits 0 when the model server on MLOPS_HEALTH_PORT answers /v2/health/ready with 200.
const port = Number(process.env.MLOPS_HEALTH_PORT || 8080);
const request = require("node:http").get({ host: "127.0.0.1", port, path: "/v2/health/ready", timeout: 4000 }, (response) => {
  process.exit(response.statusCode === 200 ? 0 : 1);
});
request.on("timeout", () => request.destroy(new Error("timeout")));
request.on("error", () => process.exit(1));
