import { literalNumber, literalString, valueAt } from '../../engine/template-values';

/**
 * How SF messages name a sizing property of a flagged resource: `InstanceType 't3.micro'`,
 * `MaxSize 4`, or `InstanceType computed at deploy time`; undefined when the property is absent.
 */
export function propertyText(properties: unknown, ...path: string[]): string | undefined {
  const value = valueAt(properties, ...path);
  if (value === undefined || value === null) return undefined;
  const name = path.join('.');
  const text = literalString(value);
  if (text !== undefined) return `${name} '${text}'`;
  const number = literalNumber(value);
  if (number !== undefined) return `${name} ${number}`;
  return `${name} computed at deploy time`;
}

/** ` (InstanceType 't3.micro')` to append to a sentence, or nothing when the property is absent. */
export function detail(properties: unknown, ...path: string[]): string {
  const text = propertyText(properties, ...path);
  return text === undefined ? '' : ` (${text})`;
}
