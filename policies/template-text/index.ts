export {
  jsonKeyLines,
  resourceLinesOfJson,
  type DuplicateKey,
  type JsonKeyLines,
  type SectionLines,
} from './json-key-lines';
export { jsonSyntaxErrorAt } from './json-syntax-error';
