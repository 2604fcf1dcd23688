import type { ProgressEvent } from '../pipeline/index.js';

/** One-line progress on a TTY (stderr), silent elsewhere so logs and --json stay clean. */
export function createProgressBar(stream: NodeJS.WriteStream, label: string): { update(e: ProgressEvent): void; done(): void } {
  if (!stream.isTTY) return { update() {}, done() {} };
  const width = 24;
  return {
    update(e) {
      const filled = Math.round(e.fraction * width);
      const step = e.step !== undefined ? ` ${e.step}/${e.totalSteps}` : '';
      stream.write(`\r\x1b[2K[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${e.stage}${step} ${label}`);
    },
    done() {
      stream.write('\r\x1b[2K');
    },
  };
}
