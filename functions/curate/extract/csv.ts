import type { Readable } from 'stream';
import { textPieces } from '../bounded-read';
import { ColumnTypes, TYPED_ROWS, typeOfText } from './columns';
import type { Column } from './columns';

export interface TableShape {
  readonly columns: readonly Column[];
  readonly rowCount: number;
}

/**
 * Reads a CSV (RFC 4180: quoted fields may hold commas, quotes and newlines) as a stream: the header
 * names the columns, the first rows type them, and every record is counted.
 */
export async function csvShape(body: Readable): Promise<TableShape> {
  let header: string[] | undefined;
  const types = new ColumnTypes();
  let rows = 0;
  let field = '';
  let record: string[] = [];
  let quoted = false;
  let afterQuote = false;
  let pendingQuote = false;
  const endRecord = () => {
    record.push(field);
    field = '';
    if (!(record.length === 1 && record[0] === '')) {
      if (header === undefined) header = record.map((name, index) => name.trim() || `column_${index + 1}`);
      else {
        if (rows < TYPED_ROWS)
          header.forEach((name, index) => types.observe(name, typeOfText(record[index] ?? '')));
        rows++;
      }
    }
    record = [];
  };
  for await (const piece of textPieces(body)) {
    for (const char of piece) {
      if (pendingQuote) {
        pendingQuote = false;
        if (char === '"') {
          field += '"';
          continue;
        }
        quoted = false;
        afterQuote = true;
      }
      if (quoted) {
        if (char === '"') pendingQuote = true;
        else field += char;
      } else if (char === '"' && field === '' && !afterQuote) quoted = true;
      else if (char === ',') {
        record.push(field);
        field = '';
        afterQuote = false;
      } else if (char === '\n') {
        endRecord();
        afterQuote = false;
      } else if (char !== '\r') field += char;
    }
  }
  if (quoted && !pendingQuote) throw new Error('a quoted field is never closed');
  if (field !== '' || record.length > 0) endRecord();
  if (header === undefined) throw new Error('the file has no header row');
  for (const name of header) types.observe(name, 'null');
  return { columns: types.columns(), rowCount: rows };
}
