import { basename, extname, join } from 'node:path';

/**
 * Output file names of one run, fixed before anything is written so they are unique and do not
 * depend on which inputs succeed. The rule (README, "Command line"):
 * 1. an input `<stem>.<ext>` writes `<stem>.<out>` (N samples: `<stem>_1.<out>` … `<stem>_N.<out>`),
 *    in the output folder, or in the same subfolder of it as the input's below its folder argument
 *    (`--recursive`);
 * 2. when several inputs of the run share a stem in one output folder (letter case ignored), each of
 *    them is named `<stem>-<ext>` instead (`same.jpg` → `same-jpg.png`, `same.png` → `same-png.png`);
 * 3. a name still taken (the same file name in two folders) gets `-2`, `-3`, … in argument order.
 */
export function planOutputs(inputs: readonly string[], dir: string, samples: number, outExt: string, subfolders: readonly string[] = []): string[][] {
  const stemOf = (path: string) => basename(path, extname(path));
  const folderOf = (k: number) => join(dir, subfolders[k] ?? '');
  const keyOf = (k: number, name: string) => `${folderOf(k)}\0${name.toLowerCase()}`;
  const stemCount = new Map<string, number>();
  for (const [k, path] of inputs.entries()) {
    const key = keyOf(k, stemOf(path));
    stemCount.set(key, (stemCount.get(key) ?? 0) + 1);
  }

  const taken = new Set<string>();
  return inputs.map((path, k) => {
    const stem = stemOf(path);
    const ext = extname(path).slice(1).toLowerCase();
    const base = stemCount.get(keyOf(k, stem))! > 1 && ext !== '' ? `${stem}-${ext}` : stem;
    let name = base;
    for (let n = 2; taken.has(keyOf(k, name)); n++) name = `${base}-${n}`;
    taken.add(keyOf(k, name));
    const folder = folderOf(k);
    return samples === 1 ? [join(folder, `${name}.${outExt}`)] : Array.from({ length: samples }, (_, s) => join(folder, `${name}_${s + 1}.${outExt}`));
  });
}
