import { jsonKeyLines, jsonSyntaxErrorAt } from '../template-text';
import type { ParsedText } from './parsed-text';
import { ScanInputError } from './scan-input-error';

/**
 * A JSON template's value and key lines. A syntax error, or a key written twice (which JSON.parse
 * would silently collapse into the last value), is a `ScanInputError` at its line.
 */
export function parseJson(text: string, file: string): ParsedText {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const { line } = jsonSyntaxErrorAt(text);
    throw new ScanInputError(file, `JSON error: ${withoutPosition((error as Error).message)}`, line);
  }
  const { sections, duplicates } = jsonKeyLines(text);
  const [duplicate] = duplicates;
  if (duplicate) {
    throw new ScanInputError(
      file,
      `duplicate key ${duplicate.key} in ${duplicate.section ?? 'the template'} (first at line ${duplicate.firstLine})`,
      duplicate.line,
    );
  }
  return { value, sections };
}

/** V8's message without the place it names (Node 20 a position, Node 22+ a line and column) or the text it quotes: the error's line is shown anyway. */
function withoutPosition(message: string): string {
  return message
    .replace(/\s*\(line \d+ column \d+\)/, '')
    .replace(/\s*at position \d+/, '')
    .replace(/, "(?:[^"\\]|\\.)*" is not valid JSON$/, '')
    .replace(/ in JSON$/, '');
}
