/** The type of a column, as a reader of the dataset would want it named. */
export type ColumnType = 'integer' | 'number' | 'boolean' | 'date' | 'string' | 'object' | 'array' | 'null';

export interface Column {
  readonly name: string;
  readonly type: string;
}

/** Columns are typed from the first rows; a lake file of millions of rows is not read twice for it. */
export const TYPED_ROWS = 1000;

const INTEGER = /^[-+]?\d+$/;
const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const BOOLEAN = /^(true|false)$/i;
const DATE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** The type a CSV cell's text reads as; '' says nothing. */
export function typeOfText(value: string): ColumnType {
  const text = value.trim();
  if (text === '') return 'null';
  if (INTEGER.test(text)) return 'integer';
  if (NUMBER.test(text)) return 'number';
  if (BOOLEAN.test(text)) return 'boolean';
  if (DATE.test(text)) return 'date';
  return 'string';
}

export function typeOfValue(value: unknown): ColumnType {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'string') return DATE.test(value) ? 'date' : 'string';
  return 'object';
}

/** Two observations of one column: null gives way, integer widens to number, anything else is string. */
export function mergeTypes(a: ColumnType | undefined, b: ColumnType): ColumnType {
  if (a === undefined || a === 'null') return b;
  if (b === 'null' || a === b) return a;
  if ((a === 'integer' && b === 'number') || (a === 'number' && b === 'integer')) return 'number';
  return 'string';
}

/** Columns in first-seen order, typed by everything observed. */
export class ColumnTypes {
  private readonly types = new Map<string, ColumnType>();

  observe(name: string, type: ColumnType): void {
    this.types.set(name, mergeTypes(this.types.get(name), type));
  }

  columns(): Column[] {
    return [...this.types].map(([name, type]) => ({ name, type: type === 'null' ? 'string' : type }));
  }
}
