// generated from "iris_species", plan c9cb944f867312e805a0ab05876f405748cbcd291399fd43829daa08e0c04a06 — do not edit
// Docker HEALTHCHECK: exits 0 when the model server on MLOPS_HEALTH_PORT answers /health/ready with 200.
const port = Number(process.env.MLOPS_HEALTH_PORT || 8080);
const request = require("node:http").get({ host: "127.0.0.1", port, path: "/health/ready", timeout: 4000 }, (response) => {
  process.exit(response.statusCode === 200 ? 0 : 1);
});
request.on("timeout", () => request.destroy(new Error("timeout")));
request.on("error", () => process.exit(1));
