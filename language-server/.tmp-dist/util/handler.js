import { LSPErrorCodes, ResponseError } from "vscode-languageserver";
export function connectionLogger(connection) {
    return (message) => {
        try {
            connection.console.error(message);
        }
        catch {
            // the connection is gone: nothing left to tell
        }
    };
}
/**
 * Lets the connection read what is already on the wire before the work starts:
 * the connection dispatches one message per event-loop turn, so two turns let
 * a `$/cancelRequest` sent right after the request be seen.
 */
function yieldToEventLoop() {
    return new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
}
/**
 * Wraps a request handler so that it never throws into the connection: a
 * cancelled request answers `RequestCancelled` (the handler first yields so that
 * a `$/cancelRequest` already on the wire is seen), a `ResponseError`
 * passes through, and any other error is logged and answered with `fallback`.
 */
export function safeRequest(name, log, fallback, handler) {
    return async (params, token) => {
        await yieldToEventLoop();
        if (token.isCancellationRequested)
            return new ResponseError(LSPErrorCodes.RequestCancelled, `${name} cancelled`);
        try {
            const result = await handler(params, token);
            if (token.isCancellationRequested)
                return new ResponseError(LSPErrorCodes.RequestCancelled, `${name} cancelled`);
            return result;
        }
        catch (error) {
            if (error instanceof ResponseError)
                return error;
            log(`[mlops] ${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
            return fallback;
        }
    };
}
/** Wraps a notification handler so that it never throws into the connection. */
export function safeNotification(name, log, handler) {
    return (params) => {
        try {
            handler(params);
        }
        catch (error) {
            log(`[mlops] ${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        }
    };
}
