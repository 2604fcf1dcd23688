/** The module rules of docs/architecture.md, checked on the sources: who may import whom. */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '..', '..');
const SRC = join(ROOT, 'src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

/** Every module specifier of every source file, with the file's path under src/. */
const IMPORTS = sources(SRC).flatMap((file) => {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:import|export)\s[^'"]*?from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)/g)].map((m) => m[1] ?? m[2]);
  return specs.map((spec) => ({ file: relative(SRC, file), spec }));
});

const importersOf = (pkg: string) => [...new Set(IMPORTS.filter((i) => i.spec === pkg || i.spec.startsWith(`${pkg}/`)).map((i) => i.file))];
const moduleOf = (file: string) => file.split('/')[0];
const reaches = (from: string, to: string) => IMPORTS.filter((i) => moduleOf(i.file) === from && i.spec.startsWith('../') && i.spec.split('/')[1] === to).map((i) => `${i.file} → ${i.spec}`);

describe('one importer per heavy dependency', () => {
  it.each([
    ['sharp', 'image'],
    ['onnxruntime-node', 'runtime'],
    ['@huggingface/transformers', 'prompts'],
  ])('%s is imported only in src/%s', (pkg, home) => {
    expect(importersOf(pkg).filter((f) => moduleOf(f) !== home)).toEqual([]);
  });

  it('xstate is imported only by the pipeline machine and the server job machine (docs/architecture.md says why)', () => {
    expect(importersOf('xstate').filter((f) => moduleOf(f) !== 'pipeline' && !/^server\/job-(machine|queue)\.ts$/.test(f))).toEqual([]);
  });
});

describe('dependency direction', () => {
  it.each([
    ['prompts', 'pipeline'],
    ['hints', 'pipeline'],
    ['hints', 'detect'],
    ['detect', 'pipeline'],
    ['schedulers', 'runtime'],
    ['schedulers', 'pipeline'],
    ['random', 'runtime'],
    ['server', 'cli'],
    ['pipeline', 'cli'],
    ['pipeline', 'server'],
    ['color', 'pipeline'],
    ['image', 'pipeline'],
  ])('src/%s does not import src/%s', (from, to) => {
    expect(reaches(from, to)).toEqual([]);
  });

  it('training/train.py does not import the exporter', () => {
    expect(readFileSync(join(ROOT, 'training', 'train.py'), 'utf8')).not.toMatch(/^\s*(from export import|import export\b)/m);
  });
});
