import { RequestType } from "vscode-languageclient/node";
import type { PlanParams, PlanResult, RenderParams, RenderResult } from "./protocol.js";

/** Both answer null when the server failed unexpectedly (it logs why in its output channel). */
export const planRequest = new RequestType<PlanParams, PlanResult | null, void>("mlops/plan");
export const renderRequest = new RequestType<RenderParams, RenderResult | null, void>("mlops/render");
