import type { Readable } from 'stream';
import { parquetMetadata, parquetSchema } from 'hyparquet';
import type { FileMetaData } from 'hyparquet';
import { readTail, readWhole, textPieces } from '../bounded-read';
import { ColumnTypes, TYPED_ROWS, typeOfValue } from './columns';
import type { TableShape } from './csv';

export { csvShape, type TableShape } from './csv';

/** The footer is read from the last bytes only; Parquet writers keep it well under this. */
export const PARQUET_FOOTER_BYTES = 4 * 1024 * 1024;

function observeRecord(types: ColumnTypes, value: unknown): void {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    for (const [name, field] of Object.entries(value)) types.observe(name, typeOfValue(field));
  } else types.observe('value', typeOfValue(value));
}

/** A JSON document: an array is a table of its elements; anything else is one row. */
export async function jsonShape(body: Readable): Promise<TableShape> {
  const value: unknown = JSON.parse((await readWhole(body)).toString('utf8'));
  const rows = Array.isArray(value) ? value : [value];
  const types = new ColumnTypes();
  rows.slice(0, TYPED_ROWS).forEach((row) => observeRecord(types, row));
  return { columns: types.columns(), rowCount: rows.length };
}

/** Newline-delimited JSON, streamed: one record a line, blank lines skipped. */
export async function ndjsonShape(body: Readable): Promise<TableShape> {
  const types = new ColumnTypes();
  let rows = 0;
  let line = '';
  const take = () => {
    if (line.trim() !== '') {
      const value: unknown = JSON.parse(line);
      if (rows < TYPED_ROWS) observeRecord(types, value);
      rows++;
    }
    line = '';
  };
  for await (const piece of textPieces(body)) {
    let start = 0;
    for (let at = piece.indexOf('\n'); at >= 0; at = piece.indexOf('\n', start)) {
      line += piece.slice(start, at);
      take();
      start = at + 1;
    }
    line += piece.slice(start);
  }
  take();
  return { columns: types.columns(), rowCount: rows };
}

/** The footer of a Parquet file, from its last bytes: the data pages are never read. */
export async function parquetFooter(body: Readable): Promise<FileMetaData> {
  const { tail, size } = await readTail(body, PARQUET_FOOTER_BYTES);
  if (size < 12 || tail.subarray(-4).toString('latin1') !== 'PAR1') {
    throw new Error('it does not end with the Parquet magic PAR1');
  }
  const footerLength = tail.readUInt32LE(tail.length - 8);
  if (footerLength + 8 > tail.length) {
    throw new Error(
      `its footer (${footerLength} bytes) is larger than the ${PARQUET_FOOTER_BYTES} bytes curate reads`,
    );
  }
  const buffer = tail.buffer.slice(tail.byteOffset, tail.byteOffset + tail.length) as ArrayBuffer;
  return parquetMetadata(buffer);
}

export function parquetShape(metadata: FileMetaData): TableShape {
  const columns = parquetSchema(metadata).children.map((child) => {
    const element = child.element;
    const type = element.logical_type?.type ?? element.converted_type ?? element.type ?? 'group';
    const name = String(type).toLowerCase();
    return { name: element.name, type: name === 'utf8' ? 'string' : name };
  });
  return { columns, rowCount: Number(metadata.num_rows) };
}
