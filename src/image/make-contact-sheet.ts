import { OptionsError } from '../errors/index.js';
import { sharp, type Sharp } from './sharp-instance.js';

export interface ContactSheetRow {
  label: string;
  images: { width: number; height: number; rgb: Uint8Array | Uint16Array }[];
}

const LABEL_WIDTH = 220;
const GAP = 8;
const FONT_SIZE = 16;
/** About what fits in LABEL_WIDTH at FONT_SIZE in a sans-serif face; longer labels are shortened with "…". */
const LABEL_CHARS = 22;

/**
 * A PNG grid for evaluation sheets: one row per entry, its label on the left, each image fitted
 * (letterboxed on white) into a square cell of `cellSize` pixels (default 256).
 */
export async function makeContactSheet(
  rows: ContactSheetRow[],
  options: { cellSize?: number; /** Column titles drawn above the first row. */ columns?: readonly string[] } = {},
): Promise<Buffer> {
  const cellSize = options.cellSize ?? 256;
  const header = options.columns !== undefined && options.columns.length > 0 ? FONT_SIZE * 2 : 0;
  if (!Number.isSafeInteger(cellSize) || cellSize < 16 || cellSize > 4096) {
    throw new OptionsError(`Contact sheet cellSize: expected an integer 16..4096, got ${String(cellSize)}`, { details: { cellSize } });
  }
  if (rows.length === 0) throw new OptionsError('Contact sheet: expected at least one row, got none', { details: { rows: 0 } });
  const columns = Math.max(1, ...rows.map((row) => row.images.length));
  const width = LABEL_WIDTH + columns * (cellSize + GAP) + GAP;
  const height = header + rows.length * (cellSize + GAP) + GAP;
  const tiles: { input: Buffer; left: number; top: number }[] = [];
  for (const [r, row] of rows.entries()) {
    for (const [c, image] of row.images.entries()) {
      const n = image.width * image.height;
      if (image.rgb.length !== n * 3) {
        throw new OptionsError(`Contact sheet row ${r} image ${c}: expected ${n * 3} rgb values, got ${image.rgb.length}`, {
          details: { row: r, image: c, expected: n * 3, given: image.rgb.length },
        });
      }
      const tile = await sharp(image.rgb, { raw: { width: image.width, height: image.height, channels: 3 } })
        .toColourspace('srgb')
        .resize(cellSize, cellSize, { fit: 'contain', background: '#ffffff' })
        .png({ compressionLevel: 1 })
        .toBuffer();
      tiles.push({ input: tile, left: LABEL_WIDTH + GAP + c * (cellSize + GAP), top: header + GAP + r * (cellSize + GAP) });
    }
  }
  const texts = rows
    .map((row, r) => {
      const y = header + GAP + r * (cellSize + GAP) + cellSize / 2;
      return `<text x="${GAP}" y="${y}" font-family="sans-serif" font-size="${FONT_SIZE}" fill="#000">${escapeXml(shorten(row.label))}</text>`;
    })
    .concat(
      (options.columns ?? []).map((title, c) => {
        const x = LABEL_WIDTH + GAP + c * (cellSize + GAP) + cellSize / 2;
        return `<text x="${x}" y="${FONT_SIZE * 1.4}" text-anchor="middle" font-family="sans-serif" font-size="${FONT_SIZE}" fill="#000">${escapeXml(shorten(title))}</text>`;
      }),
    )
    .join('');
  const labels = Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${texts}</svg>`);
  const sheet: Sharp = sharp({ create: { width, height, channels: 3, background: '#ffffff' } }).composite([
    { input: labels, left: 0, top: 0 },
    ...tiles,
  ]);
  return sheet.png().toBuffer();
}

function shorten(label: string): string {
  const chars = [...label];
  return chars.length <= LABEL_CHARS ? label : `${chars.slice(0, LABEL_CHARS - 1).join('')}…`;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (ch) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[ch] ?? ch);
}
