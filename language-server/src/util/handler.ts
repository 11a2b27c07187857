import { LSPErrorCodes, RAL, ResponseError, type CancellationToken, type Connection } from "vscode-languageserver";

export type Logger = (message: string) => void;

export function connectionLogger(connection: Connection): Logger {
  return (message) => {
    try {
      connection.console.error(message);
    } catch {
      // the connection is gone: nothing left to tell
    }
  };
}

/**
 * Lets the connection read what is already on the wire before the work starts:
 * the connection dispatches one message per event-loop turn, so two turns let
 * a `$/cancelRequest` sent right after the request be seen. It uses the
 * connection's own timer (Node's `setImmediate`; in a browser, where each message
 * is its own event, a microtask), so the server runs unchanged in a Web Worker.
 */
function yieldToEventLoop(): Promise<void> {
  const { setImmediate } = RAL().timer;
  return new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
}

/**
 * Wraps a request handler so that it never throws into the connection: a
 * cancelled request answers `RequestCancelled` (the handler first yields so that
 * a `$/cancelRequest` already on the wire is seen), a `ResponseError`
 * passes through, and any other error is logged and answered with `fallback`.
 */
export function safeRequest<P, R>(
  name: string,
  log: Logger,
  fallback: R,
  handler: (params: P, token: CancellationToken) => R | Promise<R>,
): (params: P, token: CancellationToken) => Promise<R | ResponseError<void>> {
  return async (params, token) => {
    await yieldToEventLoop();
    if (token.isCancellationRequested) return new ResponseError(LSPErrorCodes.RequestCancelled, `${name} cancelled`);
    try {
      const result = await handler(params, token);
      if (token.isCancellationRequested) return new ResponseError(LSPErrorCodes.RequestCancelled, `${name} cancelled`);
      return result;
    } catch (error) {
      if (error instanceof ResponseError) return error as ResponseError<void>;
      log(`[mlops] ${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      return fallback;
    }
  };
}

/** Wraps a notification handler so that it never throws into the connection. */
export function safeNotification<P>(name: string, log: Logger, handler: (params: P) => void): (params: P) => void {
  return (params) => {
    try {
      handler(params);
    } catch (error) {
      log(`[mlops] ${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
  };
}
