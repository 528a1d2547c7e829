// An export's bytes: the same rows as CSV (formula-safe, see csv.ts), JSON Lines, a JSON array, or an XLSX
// workbook written by exceljs's streaming writer. Each is a Readable that reads the next page of rows only
// when its reader has taken what came before, and stops reading pages once it is destroyed (a client gone).
import { PassThrough, Readable, type Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { type CsvValue, csvLine } from './csv.ts';

export const EXPORT_FORMATS = ['csv', 'jsonl', 'xlsx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
/** What a share link serves besides its page: CSV, and the rows as one JSON array. */
export type RowsFormat = ExportFormat | 'json';

export const CONTENT_TYPES: Record<RowsFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  jsonl: 'application/x-ndjson; charset=utf-8',
  json: 'application/json; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/**
 * What a column holds decides how each format writes it: counts are exact decimal strings (numbers in XLSX
 * while a double holds them exactly), times ISO 8601 strings (dates in XLSX), tags a list.
 */
export type ColumnKind = 'text' | 'count' | 'integer' | 'time' | 'boolean' | 'tags';

export interface Column<Row> {
  name: string;
  kind: ColumnKind;
  value(row: Row): string | number | boolean | null | readonly string[];
}

/**
 * Rows an XLSX sheet holds below its header row (Excel's limit is 1,048,576 rows in all). An export with more goes
 * on in a next sheet (`snapshots 2`, `snapshots 3`, …), each with the header row.
 */
export const XLSX_MAX_DATA_ROWS = 1_048_575;

/** Tags in one CSV or XLSX cell. */
const TAG_SEPARATOR = ', ';
const STREAM_CHUNK_BYTES = 64 * 1024;

export function exportStream<Row>(
  pages: AsyncGenerator<Row[]>,
  columns: readonly Column<Row>[],
  format: RowsFormat,
  sheetName = 'export',
  xlsxRowsPerSheet = XLSX_MAX_DATA_ROWS,
): Readable {
  if (format === 'xlsx') return xlsxStream(pages, columns, sheetName, xlsxRowsPerSheet);
  const text = format === 'csv' ? csvText(pages, columns) : jsonText(pages, columns, format === 'json');
  // Bytes, not objects: the stream buffers up to 64 KiB, so one page at most is read ahead of the reader.
  return Readable.from(text, { objectMode: false, highWaterMark: STREAM_CHUNK_BYTES });
}

async function* csvText<Row>(pages: AsyncGenerator<Row[]>, columns: readonly Column<Row>[]) {
  yield csvHeader(columns);
  for await (const page of pages) yield csvRows(page, columns);
}

export const csvHeader = <Row>(columns: readonly Column<Row>[]): string =>
  csvLine(columns.map((c) => c.name));

/** Rows as CSV lines (what each page of a CSV export is; the OpenAPI examples are made with it too). */
export function csvRows<Row>(rows: readonly Row[], columns: readonly Column<Row>[]): string {
  const cells: CsvValue[] = new Array(columns.length);
  let chunk = '';
  for (const row of rows) {
    for (let i = 0; i < columns.length; i++) {
      const value = columns[i]!.value(row);
      cells[i] = Array.isArray(value) ? value.join(TAG_SEPARATOR) : (value as CsvValue);
    }
    chunk += csvLine(cells);
  }
  return chunk;
}

/** Rows as JSON Lines. */
export function jsonLines<Row>(rows: readonly Row[], columns: readonly Column<Row>[]): string {
  let chunk = '';
  for (const row of rows) chunk += `${JSON.stringify(jsonRecord(row, columns))}\n`;
  return chunk;
}

function jsonRecord<Row>(row: Row, columns: readonly Column<Row>[]): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  for (const column of columns) record[column.name] = column.value(row);
  return record;
}

async function* jsonText<Row>(pages: AsyncGenerator<Row[]>, columns: readonly Column<Row>[], array: boolean) {
  if (!array) {
    for await (const page of pages) yield jsonLines(page, columns);
    return;
  }
  let first = true;
  yield '[';
  for await (const page of pages) {
    let chunk = '';
    for (const row of page) {
      chunk += `${first ? '\n' : ',\n'}${JSON.stringify(jsonRecord(row, columns))}`;
      first = false;
    }
    yield chunk;
  }
  yield '\n]\n';
}

function xlsxValue(kind: ColumnKind, value: ReturnType<Column<unknown>['value']>): ExcelJS.CellValue {
  if (value === null) return null;
  if (Array.isArray(value)) return value.join(TAG_SEPARATOR);
  if (kind === 'count' && typeof value === 'string') {
    const n = Number(value);
    return Number.isSafeInteger(n) ? n : value;
  }
  if (kind === 'time' && typeof value === 'string') return new Date(value);
  return value as ExcelJS.CellValue;
}

/**
 * exceljs writes rows into a zip stream that buffers whatever its reader has not taken; so after each page the
 * writer waits until the reader has caught up, which keeps memory to a page or so however slow the reader is.
 */
function xlsxStream<Row>(
  pages: AsyncGenerator<Row[]>,
  columns: readonly Column<Row>[],
  sheetName: string,
  rowsPerSheet: number,
): Readable {
  const output = new PassThrough({ highWaterMark: STREAM_CHUNK_BYTES });
  const write = async () => {
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
      stream: output,
      useStyles: true,
      useSharedStrings: false,
    });
    const addSheet = (number: number) => {
      const added = workbook.addWorksheet(number === 1 ? sheetName : `${sheetName} ${number}`);
      added.columns = columns.map((c) => ({
        header: c.name,
        key: c.name,
        ...(c.kind === 'time' ? { style: { numFmt: 'yyyy-mm-dd hh:mm:ss' }, width: 20 } : {}),
      }));
      return added;
    };
    let sheets = 1;
    let sheet = addSheet(sheets);
    let rowsInSheet = 0;
    const values: ExcelJS.CellValue[] = new Array(columns.length);
    try {
      for await (const page of pages) {
        if (output.destroyed) return;
        for (const row of page) {
          if (rowsInSheet === rowsPerSheet) {
            sheet.commit();
            sheet = addSheet(++sheets);
            rowsInSheet = 0;
          }
          for (let i = 0; i < columns.length; i++) {
            const column = columns[i]!;
            values[i] = xlsxValue(column.kind, column.value(row));
          }
          sheet.addRow(values).commit();
          rowsInSheet++;
        }
        await zipCaughtUp(sheet);
        await readerCaughtUp(output);
      }
      if (output.destroyed) return;
      sheet.commit();
      await workbook.commit();
    } finally {
      await pages.return(undefined);
    }
  };
  write().catch((error: unknown) =>
    output.destroy(error instanceof Error ? error : new Error(String(error))),
  );
  return output;
}

/** Uncompressed XML the zip may hold back before the writer waits for it to be compressed and read. */
const ZIP_BACKLOG_BYTES = 1024 * 1024;

/**
 * exceljs 4.4 hands each sheet's XML to the zip's entry stream without waiting for it (its StreamBuf ignores
 * write()'s answer), so rows made faster than they are compressed pile up there: after each page the writer
 * waits until that stream's backlog is small. (Reads exceljs's internals; its version is pinned.)
 */
async function zipCaughtUp(sheet: ExcelJS.Worksheet): Promise<void> {
  const sheetStream = (sheet as unknown as { stream?: { pipes?: LegacyWritable[] } }).stream;
  for (const entry of sheetStream?.pipes ?? []) {
    // readable-stream 3 (archiver's) keeps its state where Node's streams did before writableLength existed.
    // Waiting for "drain" needs a refused write: one past the high-water mark is (needDrain).
    const state = entry._writableState;
    while (state?.needDrain && state.length > ZIP_BACKLOG_BYTES && !entry.destroyed) {
      await drainedOrClosed(entry);
    }
  }
}

type LegacyWritable = Writable & { _writableState?: { length: number; needDrain: boolean } };

function readerCaughtUp(stream: PassThrough): Promise<void> {
  if (!stream.writableNeedDrain || stream.destroyed) return Promise.resolve();
  return drainedOrClosed(stream);
}

function drainedOrClosed(stream: Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      stream.off('drain', done);
      stream.off('close', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
  });
}
