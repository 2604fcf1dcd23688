export { writeFileAtomic, outputError } from './write-file-atomic.js';
export type { WriteFileAtomicOptions } from './write-file-atomic.js';
