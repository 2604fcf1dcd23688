import { fileURLToPath } from 'node:url';

/** Root of the installed package (two folders above dist/packs or src/packs): models/ lives there. */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const MODELS_DIR = fileURLToPath(new URL('../../models/', import.meta.url));
/** The pack used when none is named: the interim CPU-trained pack until a GPU-trained one replaces it. */
export const DEFAULT_PACK_NAME = 'cw-semantic';
