/**
 * An event that does not have the shape the adapter was deployed for. It is thrown, not answered, so the
 * cloud records a failed invocation (retries, then the failure destination) and the message names the field.
 */
export class MalformedEventError extends Error {
  public override readonly name = 'MalformedEventError';
}

/** The string at `value`, or a `MalformedEventError` that names `field` and what was expected. */
export function requireString(value: unknown, field: string, what: string): string {
  if (typeof value === 'string' && value !== '') return value;
  throw new MalformedEventError(`${field} is ${describe(value)}; expected ${what}`);
}

/** The object at `value`, or a `MalformedEventError` that names `field`. */
export function requireObject(value: unknown, field: string): Readonly<Record<string, unknown>> {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    return value as Readonly<Record<string, unknown>>;
  }
  throw new MalformedEventError(`${field} is ${describe(value)}; expected an object`);
}

export function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (typeof value === 'string')
    return value === '' ? 'an empty string' : `the string ${JSON.stringify(value.slice(0, 80))}`;
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `the ${typeof value} ${String(value)}`;
}

/** The time at `value` (ISO 8601), or a `MalformedEventError` that names `field`. */
export function requireTime(value: unknown, field: string): Date {
  const time = new Date(requireString(value, field, 'an ISO 8601 time'));
  if (Number.isNaN(time.getTime())) {
    throw new MalformedEventError(`${field} is ${describe(value)}; expected an ISO 8601 time`);
  }
  return time;
}
