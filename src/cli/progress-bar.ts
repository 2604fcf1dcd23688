import type { ProgressEvent } from '../pipeline/index.js';

export interface ProgressBarContext {
  /** 1-based place of this file in the batch, and the batch's size. */
  file: number;
  files: number;
  label: string;
  /** Mean time of the batch's finished files, for the whole batch's ETA (none yet: not shown). */
  meanFileMs?: number;
}

export interface ProgressBar {
  update(event: ProgressEvent): void;
  done(): void;
}

/** "42s", "3:07", "1:02:09". */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

/** What the bar says after the label: 43% decoding sample 1/2 · 0:03 · ETA 4s · all ~1:10. */
export function describeProgress(e: ProgressEvent, context: ProgressBarContext, sinceEventMs = 0): string {
  const detail =
    e.step !== undefined ? ` step ${e.step}/${e.totalSteps}` : e.sample !== undefined && (e.totalSamples ?? 1) > 1 ? ` sample ${e.sample}/${e.totalSamples}` : '';
  const eta = e.etaMs === null ? '' : ` · ETA ${formatDuration(Math.max(0, e.etaMs - sinceEventMs))}`;
  const remainingFiles = context.files - context.file;
  const batch =
    e.etaMs !== null && context.meanFileMs !== undefined && remainingFiles > 0
      ? ` · all ~${formatDuration(Math.max(0, e.etaMs - sinceEventMs) + remainingFiles * context.meanFileMs)}`
      : '';
  return `${Math.floor(e.fraction * 100)}% ${e.stage}${detail} · ${formatDuration(e.elapsedMs + sinceEventMs)}${eta}${batch}`;
}

/**
 * One line of progress on a TTY (stderr): file i/N, a bar, the stage, step k/K or sample k/N, elapsed
 * time and the ETA, redrawn on every event and once a second between them (the ETA counts down).
 * Silent elsewhere, so logs and --json stay clean.
 */
export function createProgressBar(stream: NodeJS.WriteStream, context: ProgressBarContext): ProgressBar {
  if (!stream.isTTY) return { update() {}, done() {} };
  let last: { event: ProgressEvent; at: number } | undefined;
  const draw = () => {
    if (last === undefined) return;
    const e = last.event;
    const columns = Math.max(40, stream.columns ?? 80);
    const head = context.files > 1 ? `[${context.file}/${context.files}] ` : '';
    const info = ` ${describeProgress(e, context, performance.now() - last.at)}`;
    // The numbers matter most: the bar takes what is left of a narrow terminal, the file name comes last.
    const barWidth = Math.max(8, Math.min(24, columns - head.length - info.length - 16));
    const filled = Math.round(e.fraction * barWidth);
    let text = `${head}[${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}]${info} · ${context.label}`;
    if (text.length > columns - 1) text = `${text.slice(0, columns - 2)}…`;
    stream.write(`\r\x1b[2K${text}`);
  };
  const timer = setInterval(draw, 1000);
  timer.unref();
  return {
    update(event) {
      last = { event, at: performance.now() };
      draw();
    },
    done() {
      clearInterval(timer);
      if (last !== undefined) stream.write('\r\x1b[2K');
    },
  };
}
