import { open } from 'node:fs/promises';
import { ModelPackError } from '../errors/index.js';

/**
 * Refuses a file that cannot be an ONNX model: a serialized ModelProto starts with its ir_version (field 1,
 * varint, tag 0x08) and today's IR versions are small. A component opened on first use gets this cheap check
 * when its pack loads, so a wrong file in its place is refused then rather than in the middle of a run.
 */
export async function checkOnnxHeader(label: string, path: string): Promise<void> {
  const head = Buffer.alloc(2);
  let read = 0;
  try {
    const file = await open(path, 'r');
    try {
      ({ bytesRead: read } = await file.read(head, 0, 2, 0));
    } finally {
      await file.close();
    }
  } catch (cause) {
    throw new ModelPackError(`${label}: cannot read ${path}: ${(cause as Error).message}`, {
      cause,
      details: { component: label, file: path },
    });
  }
  if (read < 2 || head[0] !== 0x08 || head[1] === 0 || head[1] > 0x7f) {
    throw new ModelPackError(`${label}: ONNX Runtime cannot load ${path}: the file is not a serialized ONNX model.`, {
      details: { component: label, file: path },
    });
  }
}
