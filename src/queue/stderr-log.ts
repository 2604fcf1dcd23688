/** The little a worker logs: JSON lines on stderr (like the server's pino lines), or nothing. */
export interface QueueLog {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
  error(object: object, message: string): void;
}

const LEVELS = { info: 30, warn: 40, error: 50 } as const;

export function stderrLog(enabled: boolean): QueueLog {
  const line = (level: keyof typeof LEVELS) => (object: object, message: string) => {
    if (!enabled) return;
    const err = (object as { err?: unknown }).err;
    const fields = err instanceof Error ? { ...object, err: { message: err.message, stack: err.stack } } : object;
    process.stderr.write(`${JSON.stringify({ level: LEVELS[level], time: Date.now(), pid: process.pid, msg: message, ...fields })}\n`);
  };
  return { info: line('info'), warn: line('warn'), error: line('error') };
}
