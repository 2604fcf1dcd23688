/**
 * Minimal EXIF surgery: normalise the block to bare TIFF bytes and reset the orientation tag,
 * because the pixels we write are already upright.
 */

const EXIF_PREFIX = Buffer.from('Exif\0\0', 'latin1');
const ORIENTATION_TAG = 0x0112;

/** Bare TIFF structure ("II*\0…" or "MM\0*…") without the JPEG "Exif\0\0" prefix, or undefined if unrecognised. */
export function exifTiffBytes(exif: Buffer): Buffer | undefined {
  const tiff = exif.subarray(0, 6).equals(EXIF_PREFIX) ? exif.subarray(6) : exif;
  if (tiff.length < 8) return undefined;
  const order = tiff.toString('latin1', 0, 2);
  if (order !== 'II' && order !== 'MM') return undefined;
  return tiff;
}

/** Copy of the TIFF bytes with IFD0's Orientation set to 1 (top-left); unchanged copy when absent. */
export function withOrientationReset(tiff: Buffer): Buffer {
  const out = Buffer.from(tiff);
  const little = out.toString('latin1', 0, 2) === 'II';
  const u16 = (o: number) => (little ? out.readUInt16LE(o) : out.readUInt16BE(o));
  const u32 = (o: number) => (little ? out.readUInt32LE(o) : out.readUInt32BE(o));
  const ifd = u32(4);
  if (ifd + 2 > out.length) return out;
  const count = u16(ifd);
  for (let k = 0; k < count; k++) {
    const entry = ifd + 2 + k * 12;
    if (entry + 12 > out.length) break;
    // SHORT (type 3), count 1: the value sits in the first two bytes of the value field.
    if (u16(entry) === ORIENTATION_TAG && u16(entry + 2) === 3) {
      if (little) out.writeUInt16LE(1, entry + 8);
      else out.writeUInt16BE(1, entry + 8);
    }
  }
  return out;
}
