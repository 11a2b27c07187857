/**
 * POSTs a JSON document to a webhook with a timeout per attempt and retries (network error,
 * timeout, 429 or 5xx; backing off 1 s, 2 s, 4 s ... or as `Retry-After` says, up to 30 s). Other
 * answers are final: a 4xx will not get better. Redirects are not followed (a webhook that redirects
 * elsewhere is misconfigured, and following it would send the payload where nobody declared). The
 * URL may be a secret: nothing here puts it in a message.
 */

export interface WebhookOptions {
  timeoutMs: number;
  retries: number;
  /** Sent as `Idempotency-Key` so a receiver can drop a retried duplicate. */
  idempotencyKey: string;
  /** First back-off (ms); doubles per attempt. */
  backoffMs?: number;
}

export interface WebhookResult {
  delivered: boolean;
  attempts: number;
  /** The last HTTP status, when an answer came. */
  status?: number;
  /** Why the last attempt failed (no URL in it). */
  error?: string;
}

const MAX_BACKOFF_MS = 30_000;

export async function postWebhook(url: string, document: unknown, options: WebhookOptions): Promise<WebhookResult> {
  const parsed = parseWebhookUrl(url);
  if (typeof parsed === "string") return { delivered: false, attempts: 0, error: parsed };
  const body = JSON.stringify(document);
  const backoff = options.backoffMs ?? 1000;
  for (let attempt = 1; ; attempt++) {
    const { result, retryable, retryAfterMs } = await attemptPost(parsed, body, options);
    if (result.delivered || !retryable || attempt > options.retries) return { ...result, attempts: attempt };
    const wait = retryAfterMs ?? backoff * 2 ** (attempt - 1);
    await new Promise((resolve) => setTimeout(resolve, Math.min(wait, MAX_BACKOFF_MS)));
  }
}

function parseWebhookUrl(url: string): URL | string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "the webhook is not a URL";
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") return `the webhook's scheme ${parsed.protocol} is not http or https`;
  return parsed;
}

interface Attempt {
  result: Omit<WebhookResult, "attempts">;
  retryable: boolean;
  retryAfterMs?: number;
}

async function attemptPost(url: URL, body: string, options: WebhookOptions): Promise<Attempt> {
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", "idempotency-key": options.idempotencyKey, "user-agent": "mlops-monitor" },
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    await response.body?.cancel();
    const status = response.status;
    if (status >= 200 && status < 300) return { result: { delivered: true, status }, retryable: false };
    const retryAfter = retryAfterMs(response.headers.get("retry-after"));
    const error =
      status >= 300 && status < 400 ? `the webhook answered a redirect (HTTP ${status}), which is not followed` : `HTTP ${status}`;
    return {
      result: { delivered: false, status, error },
      retryable: status === 429 || status >= 500,
      ...(retryAfter !== undefined ? { retryAfterMs: retryAfter } : {}),
    };
  } catch (error) {
    const timedOut = (error as Error).name === "TimeoutError";
    const reason = timedOut ? `no answer within ${options.timeoutMs} ms` : `could not connect (${networkReason(error)})`;
    return { result: { delivered: false, error: reason }, retryable: true };
  }
}

/** The cause's code (ECONNREFUSED, ENOTFOUND ...): never the message, which may hold the host. */
function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } }).cause;
  return typeof cause?.code === "string" ? cause.code : "network error";
}

function retryAfterMs(header: string | null): number | undefined {
  if (header === null) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(header);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : undefined;
}
