// An XLSX export longer than a sheet holds goes on in a next sheet, each with the header row, nothing lost.
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { type Column, exportStream, XLSX_MAX_DATA_ROWS } from './formats.ts';

type Row = { n: number; name: string };
const COLUMNS: Column<Row>[] = [
  { name: 'n', kind: 'integer', value: (r) => r.n },
  { name: 'name', kind: 'text', value: (r) => r.name },
];

async function* pagesOf(rows: Row[], pageSize: number) {
  for (let i = 0; i < rows.length; i += pageSize) yield rows.slice(i, i + pageSize);
}

async function readWorkbook(stream: NodeJS.ReadableStream): Promise<ExcelJS.Workbook> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(Buffer.concat(chunks) as unknown as ExcelJS.Buffer);
  return workbook;
}

describe('XLSX exports', () => {
  it("hold Excel's limit of rows per sheet", () => {
    expect(XLSX_MAX_DATA_ROWS + 1).toBe(2 ** 20);
  });

  it('go on in a next sheet past the rows a sheet holds, each sheet with the header', async () => {
    const rows = Array.from({ length: 5 }, (_, i) => ({ n: i + 1, name: `row ${i + 1}` }));
    const workbook = await readWorkbook(exportStream(pagesOf(rows, 3), COLUMNS, 'xlsx', 'snapshots', 2));
    const sheets = workbook.worksheets.map((sheet) => ({
      name: sheet.name,
      rows: sheet
        .getSheetValues()
        .filter(Boolean)
        .map((values) => (values as unknown[]).slice(1)),
    }));
    expect(sheets).toEqual([
      {
        name: 'snapshots',
        rows: [
          ['n', 'name'],
          [1, 'row 1'],
          [2, 'row 2'],
        ],
      },
      {
        name: 'snapshots 2',
        rows: [
          ['n', 'name'],
          [3, 'row 3'],
          [4, 'row 4'],
        ],
      },
      {
        name: 'snapshots 3',
        rows: [
          ['n', 'name'],
          [5, 'row 5'],
        ],
      },
    ]);
  });

  it('fill exactly one sheet without an empty next one', async () => {
    const rows = [
      { n: 1, name: 'a' },
      { n: 2, name: 'b' },
    ];
    const workbook = await readWorkbook(exportStream(pagesOf(rows, 1), COLUMNS, 'xlsx', 'snapshots', 2));
    expect(workbook.worksheets.map((sheet) => [sheet.name, sheet.rowCount])).toEqual([['snapshots', 3]]);
  });
});
