import type { SectionLines } from '../template-text';

/** Template text as a format's parser gives it: the value, and the lines of its sections and their keys. */
export interface ParsedText {
  readonly value: unknown;
  readonly sections: ReadonlyMap<string, SectionLines>;
}
