/**
 * The server's own log: one line per start, reload and stop, plus warnings (a version that does
 * not load, dropped request-log records). Text (`2026-11-27T10:15:00.000Z info start: ...`) or one
 * JSON object per line (`--log-format json`); control characters are escaped in text lines.
 */
export type LogFormat = "text" | "json";
export type LogLevel = "info" | "warn" | "error";

export interface ServerLog {
  write(level: LogLevel, event: string, message: string, fields?: Record<string, unknown>): void;
}

export function serverLog(format: LogFormat, out: (line: string) => void, now: () => Date = () => new Date()): ServerLog {
  return {
    write(level, event, message, fields = {}) {
      const at = now().toISOString();
      if (format === "json") out(`${JSON.stringify({ at, level, event, message, ...fields })}\n`);
      else out(`${at} ${level} ${event}: ${escapeControl(message)}\n`);
    },
  };
}

/** Control characters (C0, DEL, C1) written as `\u001b` so no log line can drive a terminal. */
export function escapeControl(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
