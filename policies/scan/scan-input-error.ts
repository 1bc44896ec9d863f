/*
 * How a problem with the scan's input reads: one line naming the file (and line) and what to do.
 */

/** A problem with the scan's input, as one line: `<file>[:<line>]: <what is wrong and what to do>`. */
export class ScanInputError extends Error {
  constructor(
    /** The file or directory, as reports show it (relative to the scan root, forward slashes). */
    public readonly file: string,
    /** What is wrong, without the location. */
    public readonly detail: string,
    /** 1-based line, when the problem has one. */
    public readonly line?: number,
  ) {
    super(`${file}${line === undefined ? '' : `:${line}`}: ${detail}`);
    this.name = 'ScanInputError';
  }
}

/** What a value is, in words for an error message: "empty", "a list", "a plain string"... */
export function describeKind(value: unknown): string {
  if (value === null || value === undefined) return 'empty';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return value.trim() === '' ? 'empty' : 'a plain string';
  return `a ${typeof value}`;
}

/** A file-system error as the part of an input error after the path. */
export function describeFileSystemError(error: unknown, fallback: string): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied; check the file permissions';
    case 'EISDIR':
      return 'is a directory';
    default:
      return code ? `${fallback} (${code})` : fallback;
  }
}
