import { basename, extname, join } from 'node:path';

/**
 * Output file names of one run, fixed before anything is written so they are unique and do not
 * depend on which inputs succeed. The rule (README, "Command line"):
 * 1. an input `<stem>.<ext>` writes `<stem>.<out>` (N samples: `<stem>_1.<out>` … `<stem>_N.<out>`);
 * 2. when several inputs of the run share a stem (letter case ignored), each of them is named
 *    `<stem>-<ext>` instead (`same.jpg` → `same-jpg.png`, `same.png` → `same-png.png`);
 * 3. a name still taken (the same file name in two folders) gets `-2`, `-3`, … in argument order.
 */
export function planOutputs(inputs: readonly string[], dir: string, samples: number, outExt: string): string[][] {
  const stemOf = (path: string) => basename(path, extname(path));
  const stemCount = new Map<string, number>();
  for (const path of inputs) {
    const key = stemOf(path).toLowerCase();
    stemCount.set(key, (stemCount.get(key) ?? 0) + 1);
  }

  const taken = new Set<string>();
  return inputs.map((path) => {
    const stem = stemOf(path);
    const ext = extname(path).slice(1).toLowerCase();
    const base = stemCount.get(stem.toLowerCase())! > 1 && ext !== '' ? `${stem}-${ext}` : stem;
    let name = base;
    for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${base}-${n}`;
    taken.add(name.toLowerCase());
    return samples === 1 ? [join(dir, `${name}.${outExt}`)] : Array.from({ length: samples }, (_, k) => join(dir, `${name}_${k + 1}.${outExt}`));
  });
}
