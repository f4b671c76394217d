import { printable } from './printable.js';

/**
 * A plain text table: columns padded to their widest cell, the last column left unpadded so a
 * long reason does not widen every row. `paint` colors a cell after its width is measured.
 */
export function renderTable(
  header: readonly string[],
  cells: readonly (readonly string[])[],
  paint: (row: number, column: number, text: string) => string = (_r, _c, t) => t,
): string {
  const rows = cells.map((row) => row.map(printable));
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[], row: number) =>
    cells
      .map((cell, column) => {
        const padded = column === cells.length - 1 ? cell : cell.padEnd(widths[column]!);
        return row < 0 ? padded : paint(row, column, padded);
      })
      .join('  ')
      .trimEnd();
  return [line(header, -1), ...rows.map((row, index) => line(row, index))].join('\n');
}
