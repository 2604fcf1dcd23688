import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// Issue 13 item 9: a card reports what users get, the TypeScript runtime's `eval --run`; PyTorch figures only after, beside them.
const models = new URL('../../models/', import.meta.url);
const cards = readdirSync(models, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);

describe('model cards', () => {
  it.each(cards)('%s reports `eval --run` figures first', (name) => {
    const card = readFileSync(new URL(`${name}/README.md`, models), 'utf8');
    const evaluation = card.slice(card.indexOf('## Evaluation'));
    expect(card).toContain('## Evaluation');
    const ts = evaluation.indexOf('eval --run');
    expect(ts).toBeGreaterThan(0);
    const pytorch = evaluation.indexOf('training/eval.py');
    if (pytorch >= 0) expect(pytorch).toBeGreaterThan(ts);
  });
});
