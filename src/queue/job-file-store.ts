/**
 * Where Redis-mode jobs keep their bytes: the input until a worker has run it, the samples until
 * they expire. Every role reaches the same store; Redis only holds state and small metadata.
 * SharedFolderStore is the first backend; an object store (S3 and the like) fits the same calls.
 */
export interface JobFileStore {
  putInput(jobId: string, image: Buffer): Promise<void>;
  /** Throws an InternalError when the input is gone (deleted, or the folder is not shared). */
  readInput(jobId: string): Promise<Buffer>;
  deleteInput(jobId: string): Promise<void>;
  /** Each sample replaces what a dead attempt of the same job may have left. */
  putSamples(jobId: string, samples: ReadonlyArray<{ index: number; format: string; image: Buffer }>): Promise<void>;
  readSample(jobId: string, index: number, format: string): Promise<Buffer | undefined>;
  delete(jobId: string): Promise<void>;
  /**
   * Deletes the files of jobs `known` does not list (their records expired or were never
   * written), once older than `graceMs` (a submit writes the input before its record).
   * Resolves with the ids removed.
   */
  sweep(options: { graceMs: number; known: (jobIds: string[]) => Promise<ReadonlySet<string>> }): Promise<string[]>;
}
