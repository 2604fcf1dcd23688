import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// Issue 13 item 8: the docs stand alone — nothing cites a document that is not in the repository, and
// docs/architecture.md names every module under src/.
const root = new URL('../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');

describe('docs/architecture.md', () => {
  it('names every module of src/ and is linked from the README', () => {
    const doc = read('docs/architecture.md');
    const modules = readdirSync(new URL('src/', root), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    for (const name of modules) expect(doc, name).toContain(`\`${name}\``);
    expect(read('README.md')).toContain('docs/architecture.md');
  });

  it('no README or training source cites DESIGN.md (not in the repository)', () => {
    expect(existsSync(new URL('DESIGN.md', root))).toBe(false);
    const files = ['README.md', 'training/README.md', ...readdirSync(new URL('training/', root)).filter((f) => f.endsWith('.py')).map((f) => `training/${f}`)];
    for (const file of files) expect(read(file), file).not.toContain('DESIGN.md');
  });
});
