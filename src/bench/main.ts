import { writeFileSync } from 'node:fs';

/**
 * `npm run bench`: every benchmark of the project in one process, each beside its own baseline measured
 * in the same run. `--only a,b` picks some; `--json FILE` keeps the figures.
 */
type Bench = (options: { model?: string; quick?: boolean; baseline?: string }) => Promise<Record<string, unknown>>;

const BENCHES: Record<string, () => Promise<Bench>> = {
  lab: async () => (await import('./lab-bench.js')).runLabBench,
  scheduler: async () => (await import('./scheduler-bench.js')).runSchedulerBench,
  pipeline: async () => (await import('./pipeline-bench.js')).runPipelineBench,
  e2e: async () => (await import('./e2e-bench.js')).runE2eBench,
  server: async () => (await import('./server-bench.js')).runServerBench,
};

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const only = arg('--only')?.split(',');
  const jsonFile = arg('--json');
  const options = { model: arg('--model'), quick: process.argv.includes('--quick'), baseline: arg('--baseline') };
  const results: Record<string, unknown> = {};
  for (const [name, load] of Object.entries(BENCHES)) {
    if (only && !only.includes(name)) continue;
    console.log(`\n=== ${name} ===`);
    try {
      results[name] = await (await load())(options);
    } catch (error) {
      console.log(`${name}: failed: ${(error as Error).message}`);
      results[name] = { error: (error as Error).message };
      process.exitCode = 1;
    }
  }
  if (jsonFile) writeFileSync(jsonFile, JSON.stringify(results, null, 2) + '\n');
}

await main();
