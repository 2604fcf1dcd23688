export { ManifestSchema, manifestJsonSchema, COMPONENT_NAMES, OPTIONAL_COMPONENT_NAMES } from './manifest-schema.js';
export type { Manifest, ComponentSpec, TensorSpec, ComponentName, OptionalComponentName } from './manifest-schema.js';
export { loadModelPack, unloadModelPacks, resolvePackDir, listModelPacks, opensOnDemand } from './load-model-pack.js';
export type { ModelPack, ModelPackInfo } from './load-model-pack.js';
export { readManifest, readManifestSync } from './read-manifest.js';
export { packDefaults } from './pack-defaults.js';
export type { PackDefaults } from './pack-defaults.js';
export { DEFAULT_PACK_NAME, MODELS_DIR, PACKAGE_ROOT } from './package-root.js';
