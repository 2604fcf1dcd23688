/**
 * Turns a path or bytes into something sharp can open, refusing missing, empty and oversized inputs
 * before any decoder sees them.
 */
import { stat } from 'node:fs/promises';
import { InputImageError, OptionsError } from '../errors/index.js';

export interface ImageSource {
  /** What sharp opens: the path itself (streamed by libvips) or a Buffer view of the bytes. */
  input: string | Buffer;
  /** For messages: the path, or "<buffer of N bytes>". */
  name: string;
  bytes: number;
}

export async function openImageSource(input: string | Buffer | Uint8Array, maxInputBytes: number): Promise<ImageSource> {
  if (typeof input === 'string') {
    let info;
    try {
      info = await stat(input);
    } catch (cause) {
      const code = (cause as NodeJS.ErrnoException).code;
      const reason = code === 'ENOENT' ? 'file not found' : `cannot access file (${code ?? 'unknown error'})`;
      throw new InputImageError(`Input image ${input}: ${reason}`, { cause, details: { path: input, code } });
    }
    if (!info.isFile()) {
      throw new InputImageError(`Input image ${input}: expected a file, got a ${info.isDirectory() ? 'directory' : 'special file'}`, {
        details: { path: input },
      });
    }
    checkBytes(info.size, maxInputBytes, input);
    return { input, name: input, bytes: info.size };
  }
  if (!(input instanceof Uint8Array)) {
    throw new OptionsError(`Input image: expected a file path, Buffer or Uint8Array, got ${describe(input)}`, {
      details: { given: describe(input) },
    });
  }
  const name = `<buffer of ${input.byteLength} bytes>`;
  checkBytes(input.byteLength, maxInputBytes, name);
  const buffer = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  return { input: buffer, name, bytes: input.byteLength };
}

function checkBytes(bytes: number, maxInputBytes: number, name: string): void {
  if (bytes === 0) {
    throw new InputImageError(`Input image ${name}: the file is empty (0 bytes)`, { details: { name, bytes } });
  }
  if (bytes > maxInputBytes) {
    throw new InputImageError(`Input image ${name}: ${bytes} bytes exceeds the limit of ${maxInputBytes} bytes`, {
      details: { name, bytes, maxInputBytes },
    });
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'object';
  return typeof value;
}
