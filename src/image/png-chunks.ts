/** Inserting (and dropping) ancillary chunks (eXIf, tEXt) into an encoded PNG, which sharp cannot do from a raw buffer. */

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 as PNG chunks use it (ISO 3309). */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** One complete chunk: length, type, data, CRC over type + data. */
export function pngChunk(type: string, data: Uint8Array): Buffer {
  const chunk = Buffer.alloc(12 + data.length);
  chunk.writeUInt32BE(data.length, 0);
  chunk.write(type, 4, 'latin1');
  chunk.set(data, 8);
  chunk.writeUInt32BE(crc32(chunk.subarray(4, 8 + data.length)), 8 + data.length);
  return chunk;
}

/** Returns the PNG with `chunk` placed right after IHDR (allowed for eXIf, which must precede IDAT). */
export function insertAfterIhdr(png: Buffer, chunk: Buffer): Buffer {
  const ihdrEnd = 8 + 12 + png.readUInt32BE(8);
  return Buffer.concat([png.subarray(0, ihdrEnd), chunk, png.subarray(ihdrEnd)]);
}

/** Returns the PNG without its chunks of `type` (e.g. an eXIf libvips wrote, before ours goes in). */
export function withoutChunks(png: Buffer, type: string): Buffer {
  const kept: Buffer[] = [png.subarray(0, 8)];
  let dropped = false;
  for (let at = 8; at + 12 <= png.length; ) {
    const end = at + 12 + png.readUInt32BE(at);
    if (png.toString('latin1', at + 4, at + 8) === type) dropped = true;
    else kept.push(png.subarray(at, end));
    at = end;
  }
  return dropped ? Buffer.concat(kept) : png;
}
