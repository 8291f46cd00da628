import ExcelJS from 'exceljs';

/** The media type of an .xlsx workbook. */
export const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export interface SheetColumn<Row> {
  /** Header text; staff tables are exported with Chinese headers first, English after a slash. */
  header: string;
  width?: number;
  value: (row: Row) => string | number | null;
}

/** One worksheet with a frozen, bold header row and an auto-filter, as staff expect in Excel. */
export async function buildWorkbook<Row>(
  sheetName: string,
  columns: Array<SheetColumn<Row>>,
  rows: Row[],
): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Jiedao 街道';
  workbook.created = new Date();
  const sheet = workbook.addWorksheet(sheetName, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = columns.map((column, index) => ({
    header: column.header,
    key: String(index),
    width: column.width ?? 18,
  }));
  for (const row of rows) {
    sheet.addRow(columns.map((column) => column.value(row) ?? ''));
  }
  sheet.getRow(1).font = { bold: true };
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length } };
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** RFC 6266 Content-Disposition for a UTF-8 file name (Chinese names survive every browser). */
export function attachmentHeader(fileName: string, asciiFallback: string): string {
  return `attachment; filename="${asciiFallback}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}
