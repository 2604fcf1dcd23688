import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { readdir, readFile, realpath } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { ModelPackError } from '../errors/index.js';
import type { SessionSettings } from '../runtime/index.js';
import { validateSessionSettings } from '../runtime/index.js';
import { checkOnnxHeader, OnnxModel } from '../runtime/index.js';
import type { ComponentName, Manifest, OptionalComponentName } from './manifest-schema.js';
import { COMPONENT_NAMES, OPTIONAL_COMPONENT_NAMES } from './manifest-schema.js';
import { DEFAULT_PACK_NAME, MODELS_DIR } from './package-root.js';
import { readManifest } from './read-manifest.js';
import { verifyPackFiles } from './verify-files.js';
import { packDefaults, type PackDefaults } from './pack-defaults.js';

export interface ModelPack {
  name: string;
  dir: string;
  manifest: Manifest;
  models: Readonly<Record<ComponentName, OnnxModel> & Partial<Record<OptionalComponentName, OnnxModel>>>;
  /** Parsed tokenizer.json (Hugging Face tokenizers format). */
  tokenizerJson: Record<string, unknown>;
  /** Parsed scheduler_config.json (diffusers format). */
  schedulerConfig: Record<string, unknown>;
}

/**
 * Folder path as given, or a pack under models/ named by its folder or by its manifest `name` (the name
 * runs, `--json` and the API report), so a run can be repeated with the model name it printed.
 */
export function resolvePackDir(pathOrName: string | undefined): string {
  const ref = pathOrName ?? DEFAULT_PACK_NAME;
  const asPath = isAbsolute(ref) ? ref : resolve(ref);
  if (existsSync(asPath) && statSync(asPath).isDirectory()) return asPath;
  if (/^[a-z0-9][a-z0-9._-]*$/.test(ref)) {
    const named = join(MODELS_DIR, ref);
    if (existsSync(join(named, 'manifest.json'))) return named;
    const byManifest = listPackNamesSync().find((folder) => manifestNameSync(join(MODELS_DIR, folder)) === ref);
    if (byManifest !== undefined) return join(MODELS_DIR, byManifest);
  }
  throw new ModelPackError(
    `No model pack "${ref}": give a folder that holds a manifest.json, or a pack name under ${MODELS_DIR} (${listPackNamesSync().join(', ') || 'none installed'}).`,
    { details: { given: ref } },
  );
}

/** The manifest's `name`, unvalidated (loading validates it); undefined when it cannot be read. */
function manifestNameSync(dir: string): string | undefined {
  try {
    const name = (JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { name?: unknown }).name;
    return typeof name === 'string' ? name : undefined;
  } catch {
    return undefined;
  }
}

function listPackNamesSync(): string[] {
  try {
    return readdirSync(MODELS_DIR).filter((n) => existsSync(join(MODELS_DIR, n, 'manifest.json')));
  } catch {
    return [];
  }
}

const cache = new Map<string, Promise<ModelPack>>();

/**
 * Loads a pack once per process (and per provider): manifest validated, every hash checked, every ONNX
 * session opened and matched against the manifest's tensor names, except the components a default run does
 * not call (`opensOnDemand`): those open, and are matched, on their first run.
 */
export function loadModelPack(pathOrName?: string, sessionSettings: SessionSettings = {}): Promise<ModelPack> {
  let dir: string;
  let settings: SessionSettings;
  try {
    settings = validateSessionSettings(sessionSettings);
    dir = resolvePackDir(pathOrName);
  } catch (error) {
    return Promise.reject(error);
  }
  const key = `${dir}\u0000${settings.provider ?? 'cpu'}\u0000${settings.intraOpThreads ?? 0}`;
  let pending = cache.get(key);
  if (pending === undefined) {
    pending = openPack(dir, settings);
    cache.set(key, pending);
    // A failed load must not stick: the user may fix the pack and retry in the same process.
    pending.catch(() => cache.delete(key));
  }
  return pending;
}

/** Releases every cached session (tests, long-running servers switching packs). */
export async function unloadModelPacks(): Promise<void> {
  const packs = await Promise.allSettled([...cache.values()]);
  cache.clear();
  for (const p of packs) {
    if (p.status === 'fulfilled') await Promise.all(Object.values(p.value.models).map((m) => m.release()));
  }
}

async function openPack(dirGiven: string, settings: SessionSettings): Promise<ModelPack> {
  const dir = await realpath(dirGiven);
  const manifest = await readManifest(dir);
  await verifyPackFiles(dir, manifest);
  const tokenizerJson = await readJson(dir, manifest.text.tokenizer);
  const schedulerConfig = await readJson(dir, manifest.scheduler.config);
  const present = [...COMPONENT_NAMES, ...OPTIONAL_COMPONENT_NAMES.filter((n) => manifest.components[n] !== undefined)];
  const entries = await Promise.all(
    present.map(async (name) => {
      const spec = manifest.components[name]!;
      const label = `${manifest.name}/${name}`;
      const path = join(dir, spec.file);
      if (!opensOnDemand(name, manifest)) return [name, await OnnxModel.open(label, path, spec, settings)] as const;
      await checkOnnxHeader(label, path);
      return [name, OnnxModel.deferred(label, path, spec, settings)] as const;
    }),
  );
  return {
    name: manifest.name,
    dir,
    manifest,
    models: Object.freeze(Object.fromEntries(entries) as Record<ComponentName, OnnxModel>),
    tokenizerJson,
    schedulerConfig,
  };
}

/**
 * The detector serves prompts only, and an anchor whose default is 0 serves only runs that ask for it; opening
 * them with the pack cost every process ~100 ms and ~65 MB each (cw-semantic) for sessions most never use.
 */
export function opensOnDemand(name: ComponentName | OptionalComponentName, manifest: Manifest): boolean {
  return name === 'detector' || (name === 'anchor' && (manifest.anchor?.default ?? 0) === 0);
}

async function readJson(dir: string, file: string): Promise<Record<string, unknown>> {
  const path = join(dir, file);
  try {
    const value: unknown = JSON.parse(await readFile(path, 'utf8'));
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not a JSON object');
    return value as Record<string, unknown>;
  } catch (cause) {
    throw new ModelPackError(`Model pack file ${file} cannot be read as a JSON object: ${(cause as Error).message}`, {
      cause,
      details: { file: path },
    });
  }
}

export interface ModelPackInfo {
  name: string;
  path: string;
  description: string;
  workingSize: number;
  conditioning: Manifest['conditioning'];
  defaults: PackDefaults;
  randomWeights: boolean;
  training: Omit<Manifest['training'], 'gitSha'>;
  metrics?: Manifest['metrics'];
  isDefault: boolean;
}

/** Public facts of the packs under models/ (and extra folders), without opening sessions. */
export async function listModelPacks(extraDirs: readonly string[] = []): Promise<ModelPackInfo[]> {
  const dirs: string[] = [];
  try {
    for (const entry of await readdir(MODELS_DIR, { withFileTypes: true })) {
      if (entry.isDirectory() && existsSync(join(MODELS_DIR, entry.name, 'manifest.json'))) dirs.push(join(MODELS_DIR, entry.name));
    }
  } catch {
    // No models/ folder: only the extra dirs are listed.
  }
  dirs.push(...extraDirs.map((d) => resolve(d)));
  const infos: ModelPackInfo[] = [];
  for (const dir of [...new Set(dirs)]) {
    const m = await readManifest(dir);
    const { gitSha: _sha, ...training } = m.training;
    infos.push({
      name: m.name,
      path: dir,
      description: m.description,
      workingSize: m.workingSize,
      conditioning: m.conditioning,
      defaults: packDefaults(m),
      randomWeights: m.training.randomWeights,
      training,
      metrics: m.metrics,
      isDefault: dir === join(MODELS_DIR, DEFAULT_PACK_NAME),
    });
  }
  return infos;
}
