import { CsvError, parse } from 'csv-parse/sync';

/**
 * CSV for `upkeep import`: csv-parse handles quoted fields (commas, quotes, newlines inside),
 * a UTF-8 byte-order mark and CRLF line ends. The first record is the header; column names are
 * matched exactly after trimming. Rows are numbered like a spreadsheet: the header is row 1.
 */
export type RowError = {
  /** The record number, header = 1 (a quoted field with line breaks still counts as one row). */
  row: number;
  /** The column the rule is about, or null for the whole row. */
  column: string | null;
  rule: string;
  message: string;
};

export type CsvRow = { row: number; values: Record<string, string> };
export type CsvColumns = { required: readonly string[]; optional: readonly string[] };
export type CsvRead = { rows: CsvRow[]; errors: RowError[] };

export function readCsv(text: string | Buffer, columns: CsvColumns): CsvRead {
  let records: string[][];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true });
  } catch (error) {
    if (error instanceof CsvError) {
      const row = (error as CsvError & { records?: number }).records ?? 0;
      return {
        rows: [],
        errors: [{ row: row + 1, column: null, rule: 'csv-syntax', message: error.message }],
      };
    }
    throw error;
  }
  const [header, ...data] = records;
  if (header === undefined) {
    return {
      rows: [],
      errors: [{ row: 1, column: null, rule: 'empty-file', message: 'the file has no header row' }],
    };
  }
  const names = header.map((h) => h.trim());
  const errors = headerErrors(names, columns);
  if (errors.length > 0) return { rows: [], errors };
  const rows: CsvRow[] = [];
  data.forEach((record, index) => {
    const row = index + 2;
    if (record.length !== names.length) {
      errors.push({
        row,
        column: null,
        rule: 'column-count',
        message: `expected ${names.length} fields like the header, found ${record.length}`,
      });
      return;
    }
    const values: Record<string, string> = {};
    names.forEach((name, i) => {
      values[name] = (record[i] ?? '').trim();
    });
    rows.push({ row, values });
  });
  return { rows, errors };
}

function headerErrors(names: readonly string[], columns: CsvColumns): RowError[] {
  const known = new Set([...columns.required, ...columns.optional]);
  const errors: RowError[] = [];
  for (const name of columns.required) {
    if (!names.includes(name)) {
      errors.push({
        row: 1,
        column: name,
        rule: 'required-column',
        message: `the header has no ${name} column`,
      });
    }
  }
  names.forEach((name, i) => {
    if (!known.has(name)) {
      errors.push({ row: 1, column: name, rule: 'unknown-column', message: `unknown column "${name}"` });
    } else if (names.indexOf(name) !== i) {
      errors.push({
        row: 1,
        column: name,
        rule: 'duplicate-column',
        message: `the column ${name} appears twice`,
      });
    }
  });
  return errors;
}
