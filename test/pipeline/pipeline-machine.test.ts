import { describe, expect, it } from 'vitest';
import { createActor, fromPromise, waitFor } from 'xstate';
import { OptionsError } from '../../src/errors/index.js';
import { pipelineMachine } from '../../src/pipeline/pipeline-machine.js';
import type { PreparedRun } from '../../src/pipeline/pipeline-machine.js';
import { validateOptions } from '../../src/pipeline/validate-options.js';

const settings = validateOptions({ seed: 1 });
const schedulerState = { name: 'ddim' as const, timesteps: [999], stepIndex: -1, runLength: -1, extra: {} };

const run = (steps: number): PreparedRun & { readMs: number; prepareMs: number } => ({
  width: 8,
  height: 8,
  seed: 1,
  seeds: [1],
  steps,
  scheduler: 'ddim',
  guidance: 1,
  temperature: 1,
  anchor: 0,
  model: 'fake',
  timesteps: Array.from({ length: steps }, (_, i) => 999 - i * 100),
  latent: [0, 0],
  rng: [[1, 2, 3, 4]],
  schedulerState,
  understood: [],
  readMs: 1,
  prepareMs: 1,
});

/** The machine with instant fake actors; `denoise` sees every step. */
function fakeMachine(steps: number, hooks: { denoise?: (step: number) => Promise<void> | void; decodeFails?: boolean } = {}) {
  // Fakes take looser inputs than the real actors; the cast keeps the test about behaviour, not types.
  return pipelineMachine.provide({
    actors: {
      loadPack: fromPromise(async () => ({ ms: 1 })),
      prepare: fromPromise(async () => run(steps)),
      denoiseStep: fromPromise(async ({ input }: { input: { step: number; latent: number[] } }) => {
        await hooks.denoise?.(input.step);
        return { latent: input.latent.map((v) => v + 1), rng: [[1, 2, 3, 4]], schedulerState, ms: 1 };
      }),
      decode: fromPromise(async () => {
        if (hooks.decodeFails) throw new OptionsError('decoder exploded', { details: { where: 'decode' } });
        return { ms: 1, upsampleMs: 0 };
      }),
      fuse: fromPromise(async () => ({ ms: 1 })),
      encode: fromPromise(async () => ({ ms: 1, outputs: [{ index: 1, seed: 1, format: 'png' as const, width: 8, height: 8 }] })),
    } as never,
  });
}

describe('pipeline machine', () => {
  it('walks loading → … → done, one denoising transition per step', async () => {
    const seen: string[] = [];
    const steps: number[] = [];
    const actor = createActor(fakeMachine(4, { denoise: (s) => void steps.push(s) }), { input: { settings } });
    actor.subscribe((s) => {
      const v = String(s.value);
      if (seen[seen.length - 1] !== v) seen.push(v);
    });
    actor.start();
    const done = await waitFor(actor, (s) => s.status === 'done');
    expect(seen).toEqual(['loading', 'preparing', 'denoising', 'decoding', 'fusing', 'encoding', 'done']);
    expect(steps).toEqual([0, 1, 2, 3]);
    expect(done.context.latent).toEqual([4, 4]);
    expect(done.context.step).toBe(4);
  });

  it('records a typed, serializable error in context when an actor fails', async () => {
    const actor = createActor(fakeMachine(2, { decodeFails: true }), { input: { settings } }).start();
    const end = await waitFor(actor, (s) => s.status === 'done');
    expect(end.value).toBe('failed');
    expect(end.context.error).toEqual({ code: 'OPTIONS', message: 'decoder exploded', details: { where: 'decode' } });
    expect(JSON.parse(JSON.stringify(end.context))).toEqual(end.context);
  });

  it('CANCEL stops between steps: no later model call runs', async () => {
    const steps: number[] = [];
    let actorRef: { send: (e: { type: 'CANCEL' }) => void } | undefined;
    const actor = createActor(
      fakeMachine(10, {
        denoise: (s) => {
          steps.push(s);
          if (s === 2) actorRef?.send({ type: 'CANCEL' });
        },
      }),
      { input: { settings } },
    );
    actorRef = actor;
    actor.start();
    const end = await waitFor(actor, (s) => s.status === 'done');
    expect(end.value).toBe('cancelled');
    expect(steps).toEqual([0, 1, 2]);
  });

  it('restores a persisted snapshot mid-denoising and finishes from there', async () => {
    const first: number[] = [];
    let persisted: unknown;
    const a = createActor(fakeMachine(5, { denoise: (s) => void first.push(s) }), { input: { settings } });
    a.subscribe((s) => {
      if (s.value === 'denoising' && s.context.step === 3 && persisted === undefined) {
        persisted = JSON.parse(JSON.stringify(a.getPersistedSnapshot()));
        a.stop();
      }
    });
    a.start();
    await new Promise((r) => setTimeout(r, 50));
    expect(persisted).toBeDefined();
    const second: number[] = [];
    const b = createActor(fakeMachine(5, { denoise: (s) => void second.push(s) }), { input: { settings }, snapshot: persisted as never });
    b.start();
    const end = await waitFor(b, (s) => s.status === 'done');
    expect(end.value).toBe('done');
    expect(second).toEqual([3, 4]);
    expect(end.context.latent).toEqual([5, 5]);
  });
});
