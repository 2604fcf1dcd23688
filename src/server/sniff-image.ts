/**
 * Image formats recognised from their first bytes, so the server can answer 415 before
 * a job is queued. Decoding stays in src/image; this only reads magic numbers.
 */
export type SniffedFormat = 'png' | 'jpeg' | 'webp' | 'gif' | 'tiff' | 'avif' | 'heif';

export const SUPPORTED_MEDIA_TYPES: Readonly<Record<SniffedFormat, string>> = Object.freeze({
  png: 'image/png',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
  tiff: 'image/tiff',
  avif: 'image/avif',
  heif: 'image/heif',
});

const ascii = (buf: Buffer, start: number, end: number): string => buf.toString('latin1', start, end);

export function sniffImageFormat(buf: Buffer): SniffedFormat | undefined {
  if (buf.length < 12) return undefined;
  if (buf[0] === 0x89 && ascii(buf, 1, 4) === 'PNG') return 'png';
  if (buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff) return 'jpeg';
  if (ascii(buf, 0, 4) === 'RIFF' && ascii(buf, 8, 12) === 'WEBP') return 'webp';
  if (ascii(buf, 0, 4) === 'GIF8') return 'gif';
  if (ascii(buf, 0, 4) === 'II*\0' || ascii(buf, 0, 4) === 'MM\0*') return 'tiff';
  if (ascii(buf, 4, 8) === 'ftyp') {
    // ISO-BMFF: the major brand says which HEIF flavour it is.
    const brand = ascii(buf, 8, 12);
    if (brand === 'avif' || brand === 'avis') return 'avif';
    if (['heic', 'heix', 'hevc', 'hevx', 'mif1', 'msf1'].includes(brand)) return 'heif';
  }
  return undefined;
}

export const OUTPUT_MEDIA_TYPES: Readonly<Record<'png' | 'jpeg' | 'webp' | 'avif', string>> = Object.freeze({
  png: 'image/png',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  avif: 'image/avif',
});
