/*
 * One sequence of operations on a Fetch body object, observed as plain data, so that a lazy object and
 * undici's own can be compared answer by answer (values, error classes, `bodyUsed`).
 */

export type BodyOperation =
  | 'text'
  | 'json'
  | 'arrayBuffer'
  | 'bytes'
  | 'blob'
  | 'formData'
  | 'body'
  | 'bodyUsed'
  | 'clone-text'
  | 'headers'
  | 'set-header';

export const BODY_OPERATIONS: readonly BodyOperation[] = [
  'text',
  'json',
  'arrayBuffer',
  'bytes',
  'blob',
  'formData',
  'body',
  'bodyUsed',
  'clone-text',
  'headers',
  'set-header',
];

type Observation = { readonly value: unknown } | { readonly error: string };

export interface BodyLike {
  readonly headers: Headers;
  readonly bodyUsed: boolean;
  readonly body: ReadableStream<Uint8Array> | null;
  text(): Promise<string>;
  json(): Promise<unknown>;
  arrayBuffer(): Promise<ArrayBuffer>;
  bytes(): Promise<Uint8Array>;
  blob(): Promise<Blob>;
  formData(): Promise<FormData>;
  clone(): BodyLike;
}

async function readStream(stream: ReadableStream<Uint8Array> | null): Promise<number[] | null> {
  if (stream === null) return null;
  const bytes: number[] = [];
  for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) bytes.push(...chunk);
  return bytes;
}

function entriesOf(headers: Headers): [string, string][] {
  const entries: [string, string][] = [];
  headers.forEach((value, name) => entries.push([name, value]));
  return entries;
}

async function observeOne(target: BodyLike, operation: BodyOperation): Promise<unknown> {
  switch (operation) {
    case 'text':
      return target.text();
    case 'json':
      return target.json();
    case 'arrayBuffer': {
      const buffer = await target.arrayBuffer();
      return { isArrayBuffer: buffer instanceof ArrayBuffer, bytes: [...new Uint8Array(buffer)] };
    }
    case 'bytes': {
      const bytes = await target.bytes();
      return { type: Object.getPrototypeOf(bytes).constructor.name, bytes: [...bytes] };
    }
    case 'blob': {
      const blob = await target.blob();
      return { type: blob.type, bytes: [...new Uint8Array(await blob.arrayBuffer())] };
    }
    case 'formData': {
      const entries: [string, string][] = [];
      (await target.formData()).forEach((value, name) => entries.push([name, String(value)]));
      return entries;
    }
    case 'body':
      return readStream(target.body);
    case 'bodyUsed':
      return target.bodyUsed;
    case 'clone-text':
      return target.clone().text();
    case 'headers':
      return entriesOf(target.headers);
    case 'set-header':
      target.headers.set('x-observed', 'yes');
      return entriesOf(target.headers);
  }
}

/** Each operation's value or error class, in order; `bodyUsed` after each, as a user would see it. */
export async function observe(target: BodyLike, operations: readonly BodyOperation[]): Promise<unknown[]> {
  const seen: unknown[] = [];
  for (const operation of operations) {
    let observation: Observation;
    try {
      observation = { value: await observeOne(target, operation) };
    } catch (error) {
      observation = { error: (error as Error).constructor.name };
    }
    seen.push({ operation, ...observation, bodyUsed: target.bodyUsed });
  }
  return seen;
}

/** The object `make` builds, or the class name of what it threw. */
export function constructed<T>(make: () => T): T | string {
  try {
    return make();
  } catch (error) {
    return (error as Error).constructor.name;
  }
}

/** The lazy object answers as undici's: the same construction error, or the same fields and reads. */
export async function expectSameAnswers<T extends BodyLike>(
  lazy: T | string,
  real: T | string,
  fieldsOf: (target: T) => unknown,
  operations: readonly BodyOperation[],
): Promise<void> {
  if (typeof real === 'string' || typeof lazy === 'string') {
    expect(lazy).toEqual(real);
    return;
  }
  expect(fieldsOf(lazy)).toEqual(fieldsOf(real));
  expect(await observe(lazy, operations)).toEqual(await observe(real, operations));
}
