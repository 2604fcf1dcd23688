import { makeContactSheet } from '../image/index.js';
import type { Rgb8Image } from './types.js';

/** One row of a contact sheet: gray input | samples | ground truth. */
export interface SheetRow {
  label: string;
  gray: Rgb8Image;
  samples: Rgb8Image[];
  gt: Rgb8Image;
}

/** Rows beyond this are left off so the sheet stays viewable; use --limit to choose which images. */
export const SHEET_MAX_ROWS = 64;
export const SHEET_CELL_SIZE = 160;

export async function renderSheet(rows: readonly SheetRow[], cellSize = SHEET_CELL_SIZE): Promise<Buffer> {
  const samples = Math.max(0, ...rows.map((r) => r.samples.length));
  const columns = ['gray input', ...Array.from({ length: samples }, (_, k) => (samples === 1 ? 'colorized' : `sample ${k + 1}`)), 'ground truth'];
  return makeContactSheet(
    rows.slice(0, SHEET_MAX_ROWS).map((r) => ({ label: r.label, images: [r.gray, ...r.samples, r.gt] })),
    { cellSize, columns },
  );
}
