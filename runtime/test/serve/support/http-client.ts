/** A small HTTP client for tests over real sockets on 127.0.0.1 (keep-alive, bounded concurrency). */
import { Agent, request as httpRequest, type IncomingHttpHeaders } from "node:http";

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json: unknown;
}

export const agent = new Agent({ keepAlive: true, maxSockets: 64 });

export interface SendOptions {
  method?: string;
  headers?: Record<string, string>;
  /** A string or bytes sent as is; anything else is sent as JSON with content-type application/json. */
  body?: unknown;
  agent?: Agent | false;
}

export function send(url: string, options: SendOptions = {}): Promise<Answer> {
  const raw =
    options.body === undefined
      ? undefined
      : typeof options.body === "string" || options.body instanceof Uint8Array
        ? options.body
        : JSON.stringify(options.body);
  const headers: Record<string, string> = {
    ...(raw !== undefined && typeof options.body !== "string" && !(options.body instanceof Uint8Array)
      ? { "content-type": "application/json" }
      : {}),
    ...options.headers,
  };
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      { method: options.method ?? (raw === undefined ? "GET" : "POST"), headers, agent: options.agent ?? agent },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(raw);
  });
}

export const postJson = (url: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer> => send(url, { body, headers });

/** Runs `tasks` with at most `concurrency` at once; results in task order. */
export async function pool<T>(count: number, concurrency: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(count);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      results[i] = await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}

/** The value of one sample of a Prometheus text exposition (`name{labels}`), or undefined. */
export function metricValue(text: string, sample: string): number | undefined {
  for (const line of text.split("\n")) if (line.startsWith(`${sample} `)) return Number(line.slice(sample.length + 1));
  return undefined;
}
