// CSV as RFC 4180 writes it, made safe to open in a spreadsheet: the one place cells are escaped, for the
// per-video export, the account-wide exports and the share links' CSV.

/**
 * A cell a spreadsheet would read as a formula (OWASP "CSV injection": it starts with =, +, -, @, a tab or a
 * carriage return) gets a single quote in front, so it is shown as the text it is. A plain number, negative
 * ones included, cannot be a formula and stays a number (growth deltas are often negative).
 */
const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^-?\d+(\.\d+)?$/;
const NEEDS_QUOTES = /[",\r\n]/;

export type CsvValue = string | number | boolean | null | undefined;

export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && FORMULA_START.test(text) && !PLAIN_NUMBER.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One record and its line end (a bare LF, which every spreadsheet and IMPORTDATA read). */
export function csvLine(values: readonly CsvValue[]): string {
  let line = '';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) line += ',';
    line += csvCell(values[i]);
  }
  return `${line}\n`;
}
