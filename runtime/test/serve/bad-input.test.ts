/**
 * Every class of bad request gets its 4xx — never a 5xx — with a message that says what and where
 * (the instance index and the column), over real HTTP, through both protocols.
 */
import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { removeProjects } from "../executor/support/projects.js";
import { postJson, send, type Answer } from "./support/http-client.js";
import { serveProject, trainedProject, type RunningServer } from "./support/served-project.js";

let running: RunningServer;
let predict: string;
let infer: string;

const good = { amount: 12.5, merchant_category: "travel", hour: 13, country: "FR" };

beforeAll(async () => {
  const project = await trainedProject("fraud");
  running = await serveProject(project, "fraud_api", { limits: { maxBodyBytes: 64 * 1024, maxInstances: 50, maxJsonDepth: 16 } });
  predict = `${running.url}/v1/fraud`;
  infer = `${running.url}/v2/models/fraud_clf/infer`;
}, 180_000);

afterAll(async () => {
  await running?.stop();
  removeProjects();
});

function expectError(answer: Answer, status: number, ...fragments: string[]): void {
  expect(answer.status, answer.text).toBe(status);
  expect(answer.headers["content-type"]).toBe("application/json");
  const error = (answer.json as { error: string }).error;
  expect(typeof error).toBe("string");
  for (const fragment of fragments) expect(error).toContain(fragment);
}

const instances = (...list: unknown[]) => ({ instances: list });

describe("own endpoint", () => {
  it("answers a good request", async () => {
    const answer = await postJson(predict, instances(good, { ...good, country: null }));
    expect(answer.status).toBe(200);
    expect((answer.json as { predictions: unknown[] }).predictions).toHaveLength(2);
    expect(answer.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
  });

  it.each([
    ["malformed JSON", '{"instances": [{"amount": 1,]}', 400, "not valid JSON"],
    ["an empty body", "", 400, "empty"],
    ["a JSON list instead of an object", "[1, 2]", 400, 'expected a JSON object {"instances"'],
    ["no instances field", '{"rows": []}', 400, 'unknown field "rows"'],
    ["instances that are not a list", '{"instances": {"amount": 1}}', 400, '"instances" must be a list'],
    ["JSON nested too deep", `{"instances": [${"[".repeat(40)}${"]".repeat(40)}]}`, 400, "nested deeper than 16"],
    ["invalid UTF-8", Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), 400, "UTF-8"],
  ])("%s → %i", async (_name, body, status, fragment) => {
    expectError(await send(predict, { body, headers: { "content-type": "application/json" } }), status, fragment);
  });

  it.each([
    ["a missing column", { amount: 1, merchant_category: "travel", country: "FR" }, "instance 1, column hour: missing column"],
    ["an unknown column", { ...good, colour: "red" }, "instance 1, column colour: unknown column"],
    ["a wrong type", { ...good, amount: "12.5" }, 'instance 1, column amount: expected a float, got a string "12.5"'],
    ["a float in an int column", { ...good, hour: 1.5 }, "instance 1, column hour: expected an int, got 1.5"],
    ["an unknown enum value", { ...good, merchant_category: "casino" }, 'instance 1, column merchant_category: unknown value "casino"'],
    ["null in a non-nullable column", { ...good, amount: null }, "instance 1, column amount: null in a non-nullable column"],
    ["a value out of range", { ...good, hour: 24 }, "instance 1, column hour: 24 is out of range [0, 23]"],
    ["a list as a value", { ...good, amount: [1] }, "instance 1, column amount: expected a float, got a list"],
    ["an instance that is not an object", 42, "instance 1: expected an object of column values, got a number"],
    [
      "a bad value in an extra source column",
      { ...good, created_at: "yesterday" },
      "instance 1, column created_at: not an ISO 8601 timestamp",
    ],
  ])("%s → 422 naming the instance and column", async (_name, bad, fragment) => {
    expectError(await postJson(predict, instances(good, bad)), 422, fragment);
  });

  it("answers an empty list of instances with no predictions", async () => {
    const answer = await postJson(predict, { instances: [] });
    expect(answer.status, answer.text).toBe(200);
    expect(answer.json).toEqual({ model: "fraud_clf", version: 1, predictions: [] });
    const empty = await postJson(infer, { inputs: [] });
    expect(empty.status, empty.text).toBe(422);
  });

  it("accepts the source's other columns (an id, the label) and omitted nullable columns", async () => {
    const { country: _omitted, ...withoutCountry } = good;
    const answer = await postJson(
      predict,
      instances({ ...good, tx_id: "t1", is_fraud: false, created_at: "2024-05-01T12:00:00Z" }, withoutCountry),
    );
    expect(answer.status, answer.text).toBe(200);
  });

  it("too many instances → 413", async () => {
    expectError(await postJson(predict, { instances: Array(51).fill(good) }), 413, "51 instances", "limit is 50");
  });

  it("a body larger than the limit → 413, declared or streamed", async () => {
    const big = JSON.stringify({ instances: [{ ...good, tx_id: "x".repeat(70 * 1024) }] });
    expectError(await send(predict, { body: big, headers: { "content-type": "application/json" } }), 413, "larger than 65536 bytes");
    const streamed = await chunkedPost(predict, big);
    expect(streamed.status).toBe(413);
  });

  it.each([
    ["no content type", {}, 415, "missing Content-Type"],
    ["text/plain", { "content-type": "text/plain" }, 415, 'unsupported Content-Type "text/plain"'],
    ["a form", { "content-type": "application/x-www-form-urlencoded" }, 415, "send application/json"],
    ["another charset", { "content-type": "application/json; charset=latin1" }, 415, "charset=latin1"],
  ])("%s → 415", async (_name, headers, status, fragment) => {
    expectError(await send(predict, { method: "POST", body: JSON.stringify(instances(good)), headers }), status, fragment);
  });

  it("an unknown route → 404, a wrong method → 405", async () => {
    expectError(await send(`${running.url}/nope`), 404, "no route");
    const wrong = await send(predict);
    expectError(wrong, 405, "use POST");
    expect(wrong.headers.allow).toBe("POST");
  });
});

describe("KServe V2 infer", () => {
  const tensor = (name: string, datatype: string, data: unknown[], shape: unknown = [data.length]) => ({ name, datatype, shape, data });
  const goodInputs = () => [
    tensor("amount", "FP32", [12.5, 99]),
    tensor("merchant_category", "BYTES", ["travel", "grocery"]),
    tensor("hour", "INT64", [13, 2]),
    tensor("country", "BYTES", ["FR", null]),
  ];
  const replace = (name: string, next: unknown) => goodInputs().map((t) => (t.name === name ? next : t));

  it("answers a good request with output tensors", async () => {
    const answer = await postJson(infer, { id: "r1", inputs: goodInputs(), outputs: [{ name: "label" }] });
    expect(answer.status, answer.text).toBe(200);
    expect(answer.json).toMatchObject({ id: "r1", model_name: "fraud_clf", outputs: [{ name: "label", datatype: "BYTES", shape: [2] }] });
  });

  it.each([
    [
      "a wrong datatype",
      replace("amount", tensor("amount", "BYTES", ["1", "2"])),
      422,
      'column amount: datatype "BYTES" does not fit a float column',
    ],
    [
      "data of the wrong JSON type",
      replace("hour", tensor("hour", "INT64", [13, "2"])),
      422,
      "instance 1, column hour: INT64 data must be numbers",
    ],
    [
      "a fraction in INT64",
      replace("hour", tensor("hour", "INT64", [13, 2.5])),
      422,
      "instance 1, column hour: INT64 data must be whole numbers",
    ],
    [
      "an unknown enum value",
      replace("merchant_category", tensor("merchant_category", "BYTES", ["travel", "casino"])),
      422,
      "instance 1, column merchant_category: unknown value",
    ],
    [
      "null in a non-nullable column",
      replace("amount", tensor("amount", "FP32", [null, 1])),
      422,
      "instance 0, column amount: null in a non-nullable column",
    ],
    ["out of range", replace("hour", tensor("hour", "INT64", [13, 99])), 422, "instance 1, column hour: 99 is out of range"],
    ["an unknown input", [...goodInputs(), tensor("colour", "BYTES", ["r", "g"])], 422, 'input "colour": unknown column'],
    ["a missing input", goodInputs().filter((t) => t.name !== "hour"), 422, "column hour: missing input tensor"],
    ["a shape that does not match the data", replace("hour", tensor("hour", "INT64", [13, 2], [3])), 400, "shape [3] needs 3 elements"],
    ["a shape of the wrong rank", replace("hour", tensor("hour", "INT64", [13, 2], [1, 2])), 400, "[N] or [N, 1]"],
    ["inputs of different lengths", replace("hour", tensor("hour", "INT64", [13])), 400, "has 1 elements but input amount has 2"],
    ["a duplicated input", [...goodInputs(), tensor("hour", "INT64", [1, 2])], 400, "given twice"],
    ["a tensor that is not an object", [...goodInputs(), 5], 400, "inputs[4] must be a tensor object"],
  ])("%s → %i", async (_name, inputs, status, fragment) => {
    expectError(await postJson(infer, { inputs }), status as number, fragment as string);
  });

  it("accepts [N, 1] tensors with nested data", async () => {
    const inputs = goodInputs().map((t) => ({ ...t, shape: [2, 1], data: t.data.map((v) => [v]) }));
    expect((await postJson(infer, { inputs })).status).toBe(200);
  });

  it.each([
    ["no inputs", {}, 400, '"inputs" must be a list'],
    ["an unknown output", { inputs: goodInputs(), outputs: [{ name: "shap" }] }, 400, 'unknown output "shap"'],
    ["binary data", { inputs: goodInputs(), parameters: { binary_data_output: true } }, 400, "binary tensor data extension"],
  ])("%s → %i", async (_name, body, status, fragment) => {
    expectError(await postJson(infer, body), status, fragment);
  });

  it("an unknown model or version → 404; model metadata names inputs and outputs", async () => {
    expectError(await postJson(`${running.url}/v2/models/other/infer`, { inputs: goodInputs() }), 404, 'no model "other"');
    expectError(
      await postJson(`${running.url}/v2/models/fraud_clf/versions/9/infer`, { inputs: goodInputs() }),
      404,
      'version "9" is not served',
    );
    expect((await postJson(`${running.url}/v2/models/fraud_api/versions/1/infer`, { inputs: goodInputs() })).status).toBe(200);
    const meta = await send(`${running.url}/v2/models/fraud_clf`);
    expect(meta.json).toEqual({
      name: "fraud_clf",
      versions: ["1"],
      platform: "onnxruntime_onnx",
      inputs: [
        { name: "amount", datatype: "FP32", shape: [-1] },
        { name: "merchant_category", datatype: "BYTES", shape: [-1] },
        { name: "hour", datatype: "INT64", shape: [-1] },
        { name: "country", datatype: "BYTES", shape: [-1] },
      ],
      outputs: [
        { name: "label", datatype: "BYTES", shape: [-1] },
        { name: "probabilities", datatype: "FP32", shape: [-1, 2] },
      ],
    });
    expect((await send(`${running.url}/v2/models/fraud_clf/ready`)).json).toEqual({ name: "fraud_clf", ready: true });
    expect((await send(`${running.url}/v2/health/live`)).json).toEqual({ live: true });
    expect((await send(`${running.url}/v2/health/ready`)).json).toEqual({ ready: true });
    expect((await send(`${running.url}/v2`)).json).toMatchObject({ name: "mlops", extensions: [] });
  });
});

describe("metrics", () => {
  it("counts answers by route and status, and never a 5xx for bad input", async () => {
    const text = (await send(`${running.url}/metrics`)).text;
    expect(text).toMatch(/^mlops_http_requests_total\{route="predict",status="422"\} \d+$/m);
    expect(text).toMatch(/^mlops_http_requests_total\{route="v2_infer",status="400"\} \d+$/m);
    expect(text).not.toMatch(/status="5\d\d"/);
    expect(text).toMatch(/^mlops_model_info\{deployment="fraud_api",model="fraud_clf",version="1",alias="production"\} 1$/m);
    expect(text).toMatch(/^request_predict_seconds_count\{model_name="fraud_clf"\} \d+$/m);
    expect(text).toMatch(/^mlops_requests_in_flight 0$/m);
  });
});

/** Streams `body` in chunks; the answer counts even when the server closes before the client finished sending. */
function chunkedPost(url: string, body: string): Promise<{ status: number }> {
  return new Promise((resolve, reject) => {
    let status = 0;
    const req = httpRequest(
      url,
      { method: "POST", headers: { "content-type": "application/json", "transfer-encoding": "chunked" } },
      (res) => {
        status = res.statusCode ?? 0;
        res.resume();
        res.on("end", () => resolve({ status }));
        res.on("error", () => resolve({ status }));
      },
    );
    req.on("error", (error) => (status ? resolve({ status }) : setTimeout(() => (status ? resolve({ status }) : reject(error)), 500)));
    const write = (offset: number): void => {
      if (offset >= body.length || status) {
        req.end();
        return;
      }
      req.write(body.slice(offset, offset + 8192), () => write(offset + 8192));
    };
    write(0);
  });
}
