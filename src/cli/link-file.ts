// Reading the links file of `contentstats track --file`: one link per line, or a CSV file whose header names a
// `video_link` column (and optionally `duration_days` and `tags`).
import { CommandFailure, EXIT } from './failure.ts';

export interface LinkRow {
  /** The line the row starts on, from 1 (what the result file names). */
  line: number;
  videoLink: string;
  /** From the CSV's duration_days column, when it has one and the cell is not empty (as written). */
  durationDays?: string;
  /** From the CSV's tags column: tags separated by `;` or `,` inside the cell. */
  tags?: string[];
}

/** The rows of a links file: CSV when its first line names a `video_link` column, else one link per line. */
export function parseLinkFile(text: string): LinkRow[] {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const records = parseCsv(body);
  const header = records[0]?.cells.map((cell) => cell.trim().toLowerCase());
  if (header?.includes('video_link')) return csvRows(header, records.slice(1));
  // A plain list: one link per line; blank lines and lines starting with # are skipped.
  return body
    .split(/\r?\n/)
    .map((raw, i) => ({ line: i + 1, videoLink: raw.trim() }))
    .filter((row) => row.videoLink !== '' && !row.videoLink.startsWith('#'));
}

function csvRows(header: string[], records: CsvRecord[]): LinkRow[] {
  const column = (name: string) => header.indexOf(name);
  const [link, days, tags] = [column('video_link'), column('duration_days'), column('tags')];
  const rows: LinkRow[] = [];
  for (const record of records) {
    if (record.cells.every((cell) => cell.trim() === '')) continue;
    const row: LinkRow = { line: record.line, videoLink: (record.cells[link] ?? '').trim() };
    const dayCell = days >= 0 ? record.cells[days]?.trim() : undefined;
    if (dayCell) row.durationDays = dayCell;
    const tagCell = tags >= 0 ? record.cells[tags]?.trim() : undefined;
    if (tagCell) row.tags = tagCell.split(/[;,]/).filter((tag) => tag.trim() !== '');
    rows.push(row);
  }
  return rows;
}

export interface CsvRecord {
  line: number;
  cells: string[];
}

/** RFC 4180: fields separated by commas, quoted with "…" (a quote inside doubled), records by CRLF or LF. */
export function parseCsv(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let cells: string[] = [];
  let cell = '';
  let line = 1;
  let recordLine = 1;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (char === '"') {
        quoted = false;
      } else {
        if (char === '\n') line++;
        cell += char;
      }
    } else if (char === '"' && cell === '') {
      quoted = true;
    } else if (char === ',') {
      cells.push(cell);
      cell = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i++;
      cells.push(cell);
      records.push({ line: recordLine, cells });
      cells = [];
      cell = '';
      line++;
      recordLine = line;
    } else {
      cell += char;
    }
  }
  if (quoted)
    throw new CommandFailure(
      `the file has an unterminated quoted field (from line ${recordLine})`,
      EXIT.usage,
    );
  if (cell !== '' || cells.length > 0) {
    cells.push(cell);
    records.push({ line: recordLine, cells });
  }
  return records;
}

/** A CSV cell, quoted when needed; a cell a spreadsheet would run as a formula is written as text. */
export function csvCell(value: string): string {
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
