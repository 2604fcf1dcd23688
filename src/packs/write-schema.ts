import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { manifestJsonSchema } from './manifest-schema.js';

// `npm run schema`: keeps schema/model-pack.schema.json (read by training/export.py) in step with the zod schema.
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const target = resolve(root, 'schema', 'model-pack.schema.json');
mkdirSync(dirname(target), { recursive: true });
writeFileSync(target, JSON.stringify({ $id: 'color-wizard/model-pack.schema.json', title: 'Color Wizard model pack manifest', ...manifestJsonSchema() }, null, 2) + '\n');
console.log(`wrote ${target}`);
