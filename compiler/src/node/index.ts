export { NodeHost, findStdlibDir } from "./node-host.js";
