import {
  CST,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  Parser,
  type Document,
  type Node as YamlNode,
  type ScalarTag,
  type CollectionTag,
} from 'yaml';
import { type TemplateObject, type TemplateValue } from '../engine/template-values';
import type { SectionLines } from '../template-text';
import type { ParsedText } from './parsed-text';
import { ScanInputError } from './scan-input-error';
import { setOwn } from './template-object';

/*
 * YAML templates into the long form CDK synthesizes: CloudFormation's short-form intrinsics
 * (`!Sub`, `!GetAtt a.b`) become `{ 'Fn::Sub': ... }`, aliases are followed, duplicate keys are errors.
 */

/** CloudFormation's short forms and the long forms they stand for. */
const SHORT_FORMS: ReadonlyMap<string, string> = new Map([
  ['!Ref', 'Ref'],
  ['!Condition', 'Condition'],
  ...[
    'Sub',
    'GetAtt',
    'If',
    'Join',
    'Select',
    'Split',
    'FindInMap',
    'Base64',
    'Cidr',
    'GetAZs',
    'ImportValue',
    'Equals',
    'And',
    'Or',
    'Not',
    'Transform',
    'ToJsonString',
    'Length',
    // Rule-specific functions (the Rules section).
    'Contains',
    'EachMemberEquals',
    'EachMemberIn',
    'RefAll',
    'ValueOf',
  ].map((name): [string, string] => [`!${name}`, `Fn::${name}`]),
]);

/**
 * The yaml package only has to accept the tags on scalars, sequences and mappings and keep them
 * on the node; `YamlReader` turns tagged nodes into long forms, aliases and nesting included.
 */
const SHORT_FORM_TAGS: (ScalarTag | CollectionTag)[] = [...SHORT_FORMS.keys()].flatMap((tag) => [
  { tag, resolve: (value: string) => value },
  { tag, collection: 'seq' as const, resolve: (node: unknown) => node as YamlNode },
  { tag, collection: 'map' as const, resolve: (node: unknown) => node as YamlNode },
]) as (ScalarTag | CollectionTag)[];

export function parseYaml(text: string, file: string): ParsedText {
  const lineCounter = new LineCounter();
  // yaml's own duplicate-key check compares every key with every other (quadratic in the number
  // of resources); `YamlReader` checks with a hash instead.
  const doc = parseDocument(text, {
    customTags: SHORT_FORM_TAGS,
    lineCounter,
    prettyErrors: false,
    uniqueKeys: false,
  });
  const lineAt = (offset: number | undefined): number | undefined =>
    offset === undefined ? undefined : lineCounter.linePos(offset).line;
  const [error] = doc.errors;
  if (error) {
    // An unterminated quote is reported where the file ends; the line that matters is where it opens.
    const opened = error.code === 'MISSING_CHAR' ? quotedScalarStart(text, error.pos[0]) : undefined;
    const detail = opened === undefined ? '' : ` (the string opened at line ${lineAt(opened)})`;
    throw new ScanInputError(file, `YAML error: ${error.message}${detail}`, lineAt(opened ?? error.pos[0]));
  }
  const unknownTag = doc.warnings.find((warning) => warning.code === 'TAG_RESOLVE_FAILED');
  if (unknownTag) {
    throw new ScanInputError(
      file,
      `YAML error: ${unknownTag.message.replace('Unresolved tag', 'unknown tag')}; CloudFormation knows the short forms ${[...SHORT_FORMS.keys()].slice(0, 20).join(' ')}`,
      lineAt(unknownTag.pos[0]),
    );
  }
  const reader = new YamlReader(doc, file, lineAt);
  const sections = new Map<string, SectionLines>();
  if (isMap(doc.contents)) {
    for (const pair of doc.contents.items) {
      const line = reader.lineOf(pair.key) ?? 1;
      const keys = new Map<string, number>();
      if (isMap(pair.value)) {
        for (const inner of pair.value.items)
          keys.set(reader.key(inner.key), reader.lineOf(inner.key) ?? line);
      }
      sections.set(reader.key(pair.key), { line, keys });
    }
  }
  return { value: reader.value(doc.contents), sections };
}

/** Where the last quoted scalar before an offset starts. */
function quotedScalarStart(text: string, before: number): number | undefined {
  let start: number | undefined;
  for (const token of new Parser().parse(text)) {
    if (token.type !== 'document') continue;
    CST.visit(token, (item) => {
      for (const part of [item.key, item.value]) {
        if (
          part &&
          (part.type === 'double-quoted-scalar' || part.type === 'single-quoted-scalar') &&
          part.offset < before
        ) {
          start = Math.max(start ?? 0, part.offset);
        }
      }
    });
  }
  return start;
}

/**
 * How many nodes aliases may expand to in one document. Nested anchors grow exponentially (nine
 * aliases a level reach millions of nodes in seven levels); no real template comes near this.
 */
export const MAX_ALIAS_EXPANSION = 100_000;

/** Turns a YAML document into template JSON: short forms into long forms, aliases followed. */
class YamlReader {
  private aliasDepth = 0;
  private expanded = 0;
  private outermostAlias: unknown;

  constructor(
    private readonly doc: Document,
    private readonly file: string,
    private readonly lineAt: (offset: number | undefined) => number | undefined,
  ) {}

  public lineOf(node: unknown): number | undefined {
    return this.lineAt((node as YamlNode | null)?.range?.[0]);
  }

  public key(node: unknown): string {
    const value = this.value(node);
    return typeof value === 'string' ? value : JSON.stringify(value);
  }

  public value(node: unknown): TemplateValue {
    if (node === null || node === undefined) return null;
    if (this.aliasDepth > 0 && ++this.expanded > MAX_ALIAS_EXPANSION) {
      throw new ScanInputError(
        this.file,
        `YAML error: aliases expand to more than ${MAX_ALIAS_EXPANSION} nodes (nested anchors); write the values out instead`,
        this.lineOf(this.outermostAlias),
      );
    }
    if (isAlias(node)) {
      if (this.aliasDepth === 0) this.outermostAlias = node;
      this.aliasDepth++;
      try {
        return this.value(node.resolve(this.doc));
      } finally {
        this.aliasDepth--;
      }
    }
    let value: TemplateValue;
    if (isScalar(node)) {
      value = node.value as TemplateValue;
    } else if (isSeq(node)) {
      value = node.items.map((item) => this.value(item));
    } else if (isMap(node)) {
      const object: TemplateObject = {};
      for (const pair of node.items) {
        const key = this.key(pair.key);
        if (Object.prototype.hasOwnProperty.call(object, key)) {
          const first = node.items.find((other) => this.key(other.key) === key);
          throw new ScanInputError(
            this.file,
            `YAML error: duplicate key ${key} (first at line ${this.lineOf(first?.key)})`,
            this.lineOf(pair.key),
          );
        }
        setOwn(object, key, this.value(pair.value));
      }
      value = object;
    } else {
      return null;
    }
    const tag = (node as YamlNode).tag;
    const longForm = tag === undefined ? undefined : SHORT_FORMS.get(tag);
    if (longForm === undefined) return value;
    if (longForm === 'Fn::GetAtt' && typeof value === 'string') {
      // `!GetAtt Resource.Attribute.With.Dots`: the attribute is everything after the first dot.
      const dot = value.indexOf('.');
      return { [longForm]: dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)] };
    }
    return { [longForm]: value };
  }
}
