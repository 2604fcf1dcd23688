import type { ImageScore, TotalScore } from './score.js';

/** One scored system: the model's samples, the gray baseline, or a folder of predictions. */
export interface SystemScores {
  name: string;
  images: ImageScore[];
  total: TotalScore;
}

type MetricKey = Exclude<keyof TotalScore & keyof ImageScore, 'samples'>;

interface MetricColumn {
  key: MetricKey;
  label: string;
  short: string;
  digits: number;
  /** How to read it, shown in the totals table. */
  better: '↑' | '↓' | '→1' | '';
}

export const METRIC_COLUMNS: readonly MetricColumn[] = [
  { key: 'psnr', label: 'PSNR (dB)', short: 'PSNR', digits: 2, better: '↑' },
  { key: 'ssim', label: 'SSIM', short: 'SSIM', digits: 4, better: '↑' },
  { key: 'colorfulnessPred', label: 'colorfulness', short: 'CF', digits: 2, better: '' },
  { key: 'colorfulnessGt', label: 'colorfulness of ground truth', short: 'CF gt', digits: 2, better: '' },
  { key: 'colorfulnessAbsDelta', label: '|ΔCF|', short: '|ΔCF|', digits: 2, better: '↓' },
  { key: 'colorfulnessRatio', label: 'CF ratio', short: 'CF ratio', digits: 3, better: '→1' },
  { key: 'ciede2000', label: 'CIEDE2000', short: 'ΔE00', digits: 2, better: '↓' },
  { key: 'lightnessError', label: 'lightness error |ΔL|', short: '|ΔL|', digits: 3, better: '↓' },
  { key: 'diversity', label: 'diversity (ΔE00 between samples)', short: 'diversity', digits: 2, better: '' },
  { key: 'bestOfNPsnr', label: 'best-of-N PSNR (dB)', short: 'best PSNR', digits: 2, better: '↑' },
];

function fmt(value: number | null, digits: number): string {
  return value === null || !Number.isFinite(value) ? '–' : value.toFixed(digits);
}

/** Columns worth showing: diversity and best-of-N only mean something with several samples. */
function visibleColumns(systems: readonly SystemScores[]): MetricColumn[] {
  const multi = systems.some((s) => s.images.some((i) => i.samples > 1));
  return METRIC_COLUMNS.filter((c) => multi || (c.key !== 'diversity' && c.key !== 'bestOfNPsnr'));
}

/** Totals side by side: one row per metric, one column per system. */
export function totalsRows(systems: readonly SystemScores[]): string[][] {
  const header = ['metric', ...systems.map((s) => s.name)];
  const rows = visibleColumns(systems).map((c) => [
    c.better === '' ? c.label : `${c.label} ${c.better}`,
    ...systems.map((s) => fmt(s.total[c.key], c.digits)),
  ]);
  const counts = ['images / samples', ...systems.map((s) => `${s.total.images} / ${s.total.samples}`)];
  return [header, counts, ...rows];
}

export function perImageRows(system: SystemScores, columns = visibleColumns([system])): string[][] {
  const header = ['image', 'size', 'n', ...columns.map((c) => c.short)];
  const rows = system.images.map((i) => [
    i.name,
    `${i.width}×${i.height}`,
    String(i.samples),
    ...columns.map((c) => fmt(i[c.key], c.digits)),
  ]);
  return [header, ...rows];
}

/** Markdown: totals side by side, then a per-image table for each system. */
export function toMarkdown(systems: readonly SystemScores[], title = 'Evaluation'): string {
  const parts = [`## ${title}`, '', markdownTable(totalsRows(systems), 1)];
  const columns = visibleColumns(systems);
  for (const s of systems) {
    parts.push('', `### Per image: ${s.name}`, '', markdownTable(perImageRows(s, columns), 3));
  }
  return parts.join('\n') + '\n';
}

/** Plain-text table with aligned columns for the terminal; numbers right-aligned. */
export function textTable(rows: readonly string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => [...(r[c] ?? '')].length)));
  return rows
    .map((r, rowIndex) => {
      const line = r.map((cell, c) => (c === 0 ? padEnd(cell, widths[c]) : padStart(cell, widths[c]))).join('  ');
      return rowIndex === 0 ? `${line}\n${widths.map((w) => '─'.repeat(w)).join('  ')}` : line;
    })
    .join('\n');
}

/** `leftColumns` columns are text (left-aligned); the rest are numbers. */
export function markdownTable(rows: readonly string[][], leftColumns: number): string {
  const escape = (cell: string) => cell.replace(/\|/g, '\\|');
  const [header, ...body] = rows;
  const align = header.map((_, c) => (c < leftColumns ? '---' : '---:'));
  return [header, align, ...body].map((r) => `| ${r.map((cell, c) => (r === align ? cell : escape(cell))).join(' | ')} |`).join('\n');
}

// Code-point lengths, so "×" and "Δ" count as one column.
function padEnd(s: string, width: number): string {
  return s + ' '.repeat(Math.max(0, width - [...s].length));
}

function padStart(s: string, width: number): string {
  return ' '.repeat(Math.max(0, width - [...s].length)) + s;
}
