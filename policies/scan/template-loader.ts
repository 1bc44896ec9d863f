import { readdirSync, readFileSync, realpathSync, statSync } from 'fs';
import { basename, dirname, join, relative, resolve, sep } from 'path';
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
import { BIS_ROLE_TAG, BIS_ROLES, DEFAULT_BIS_ROLE, isBisRoleName, type BisRoleName } from '../../lib/roles';
import { isObject, type TemplateObject, type TemplateValue } from '../engine/template-resource';
import { isIntrinsic, tagValue } from '../engine/template-values';

/*
 * Reading CloudFormation and SAM templates for `cdk-bis scan`: finding them on disk, parsing JSON
 * and YAML (short-form intrinsics included) into the long form CDK synthesizes, remembering the
 * line of every resource, and expanding SAM Globals, so that rules see what they see at synth.
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

// ---------------------------------------------------------------------------------------------
// Discovery

/** What a directory walk picks up. A file named on the command line is taken whatever its name. */
const TEMPLATE_FILE_NAMES = /(\.template\.json|^template\.ya?ml|\.cfn\.(ya?ml|json))$/;
const TEMPLATE_FILE_PATTERNS =
  '*.template.json, template.yaml, template.yml, *.cfn.yaml, *.cfn.yml, *.cfn.json';

/**
 * Directories a walk does not enter, unless named on the command line: dependencies, VCS and tool
 * state (`.git`, `.aws-sam` holds SAM's build copies of template.yaml), and `cdk.out`, whose
 * templates are CDK's output (checked at synth, reported by `cdk-bis report`) and would otherwise
 * be scanned a second time, possibly stale, in every project root.
 */
function isSkippedDirectory(name: string): boolean {
  return name === 'node_modules' || name === 'cdk.out' || name.startsWith('.');
}

/**
 * The template files under the given paths, sorted and without duplicates. A file is taken as
 * is; a directory is walked for template names. Each path that is missing, unreadable or holds no
 * template gives an error; the other paths are still searched.
 */
export function discoverTemplates(
  paths: readonly string[],
  root: string = process.cwd(),
): { files: string[]; errors: ScanInputError[] } {
  const found = new Map<string, string>();
  const errors: ScanInputError[] = [];
  for (const given of paths) {
    const shown = displayPath(given, root);
    let stats;
    try {
      stats = statSync(given);
    } catch (error) {
      errors.push(new ScanInputError(shown, describeFileSystemError(error, 'no such file or directory')));
      continue;
    }
    if (!stats.isDirectory()) {
      found.set(resolve(given), given);
      continue;
    }
    const inDirectory = new Map<string, string>();
    walkDirectory(given, inDirectory, errors, root, new Set());
    for (const [absolute, path] of inDirectory) if (!found.has(absolute)) found.set(absolute, path);
    if (inDirectory.size === 0 && !errors.some((error) => error.file === shown)) {
      errors.push(
        new ScanInputError(
          shown,
          `no templates found (looked for ${TEMPLATE_FILE_PATTERNS}; node_modules, cdk.out and dot-directories are skipped unless named). Name template files explicitly to scan other names.`,
        ),
      );
    }
  }
  const files = [...found.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, given]) => given);
  return { files, errors };
}

function walkDirectory(
  directory: string,
  found: Map<string, string>,
  errors: ScanInputError[],
  root: string,
  visited: Set<string>,
): void {
  let entries;
  try {
    // A symbolic link back up the tree must not loop forever.
    const real = realpathSync(directory);
    if (visited.has(real)) return;
    visited.add(real);
    entries = readdirSync(directory, { withFileTypes: true });
  } catch (error) {
    errors.push(
      new ScanInputError(displayPath(directory, root), describeFileSystemError(error, 'cannot read')),
    );
    return;
  }
  for (const entry of entries) {
    const path = join(directory, entry.name);
    let isDirectory = entry.isDirectory();
    let isFile = entry.isFile();
    if (entry.isSymbolicLink()) {
      try {
        const target = statSync(path);
        isDirectory = target.isDirectory();
        isFile = target.isFile();
      } catch {
        // A dangling link is no template.
        continue;
      }
    }
    if (isDirectory) {
      if (!isSkippedDirectory(entry.name)) walkDirectory(path, found, errors, root, visited);
    } else if (isFile && TEMPLATE_FILE_NAMES.test(entry.name)) {
      found.set(resolve(path), path);
    }
  }
}

/** A path as reports show it: relative to the root, with forward slashes. */
export function displayPath(path: string, root: string = process.cwd()): string {
  const shown = relative(root, resolve(path)) || basename(resolve(path));
  return sep === '/' ? shown : shown.split(sep).join('/');
}

function describeFileSystemError(error: unknown, fallback: string): string {
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

// ---------------------------------------------------------------------------------------------
// Loading

/** A template read from a file, ready to index. */
export interface LoadedTemplate {
  /** The path it was read from. */
  readonly path: string;
  /** The path reports show: relative to the root, forward slashes. */
  readonly file: string;
  /**
   * The template in long form (`{ 'Fn::Sub': ... }`, `{ Ref: ... }`), with SAM Globals expanded
   * and the resources that could not be read left out (each one has an error in `errors`).
   */
  readonly template: TemplateObject;
  /** The 1-based line of each resource's logical ID. */
  readonly resourceLines: ReadonlyMap<string, number>;
  /** The 1-based line of each top-level section (`Metadata`, `Globals`...) and of its keys. */
  readonly sectionLines: ReadonlyMap<string, SectionLines>;
  /** Problems that leave one resource (or Globals) out while the rest of the file is scanned. */
  readonly errors: readonly ScanInputError[];
}

export interface SectionLines {
  readonly line: number;
  readonly keys: ReadonlyMap<string, number>;
}

export interface LoadOptions {
  /** What file paths in messages and reports are relative to. @default process.cwd() */
  readonly root?: string;
}

/**
 * Read, parse and check one template. Throws a `ScanInputError` when the file cannot be scanned at
 * all (unreadable, not JSON or YAML, no Resources); problems with single resources (no Type, an
 * unknown type) are returned in `errors` and those resources are left out.
 */
export function loadTemplate(path: string, options: LoadOptions = {}): LoadedTemplate {
  const file = displayPath(path, options.root);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ScanInputError(file, describeFileSystemError(error, 'cannot read'));
  }
  return parseTemplate(text, file, path);
}

/** Parse template text (exported for tests and tools that hold the text already). */
export function parseTemplate(text: string, file: string, path: string = file): LoadedTemplate {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (source.includes('\u0000')) {
    throw new ScanInputError(file, 'not a text file; a template is JSON or YAML');
  }
  const parsed = looksLikeJson(path, source) ? parseJson(source, file) : parseYaml(source, file);
  if (!isObject(parsed.value)) {
    throw new ScanInputError(
      file,
      `the template is ${describeKind(parsed.value)}, not a mapping of sections (AWSTemplateFormatVersion, Resources...); is this a CloudFormation template?`,
      1,
    );
  }
  const template = parsed.value;
  const resourcesLine = parsed.sections.get('Resources')?.line;
  if (!('Resources' in template)) {
    throw new ScanInputError(
      file,
      'no Resources section; a CloudFormation template declares its resources under Resources (write Resources: {} for none)',
      1,
    );
  }
  if (!isObject(template.Resources)) {
    throw new ScanInputError(
      file,
      `Resources is ${describeKind(template.Resources)}; it must map logical IDs to resources`,
      resourcesLine,
    );
  }
  const resourceLines = parsed.sections.get('Resources')?.keys ?? new Map<string, number>();
  const errors: ScanInputError[] = [];
  const resources: TemplateObject = {};
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    const problem = resourceProblem(logicalId, resource);
    if (problem)
      errors.push(new ScanInputError(file, problem, resourceLines.get(logicalId) ?? resourcesLine));
    else resources[logicalId] = resource;
  }
  const expanded = expandSamGlobals({ ...template, Resources: resources }, file, parsed.sections, errors);
  return { path, file, template: expanded, resourceLines, sectionLines: parsed.sections, errors };
}

interface ParsedText {
  readonly value: unknown;
  readonly sections: Map<string, SectionLines>;
}

function looksLikeJson(path: string, text: string): boolean {
  if (/\.json$/i.test(path)) return true;
  if (/\.ya?ml$/i.test(path)) return false;
  return text.trimStart().startsWith('{');
}

function describeKind(value: unknown): string {
  if (value === null || value === undefined) return 'empty';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return value.trim() === '' ? 'empty' : 'a plain string';
  return `a ${typeof value}`;
}

function resourceProblem(logicalId: string, resource: unknown): string | undefined {
  if (logicalId.startsWith('Fn::ForEach::')) {
    return `${logicalId}: Fn::ForEach (AWS::LanguageExtensions) is not expanded by cdk-bis scan, so the resources it generates are not scanned; scan the processed template (aws cloudformation get-template --template-stage Processed) instead`;
  }
  if (!/^[A-Za-z0-9]+$/.test(logicalId)) {
    return `logical ID ${JSON.stringify(logicalId)} is not alphanumeric; CloudFormation accepts only A-Z, a-z and 0-9 in logical IDs. The resource is not scanned`;
  }
  if (!isObject(resource)) {
    return `resource ${logicalId} is ${describeKind(resource)}; a resource is a mapping with Type and Properties`;
  }
  const type = resource.Type;
  if (type === undefined) return `resource ${logicalId} has no Type; add e.g. Type: AWS::S3::Bucket`;
  if (typeof type !== 'string') {
    return `resource ${logicalId} has a Type that is ${describeKind(type)}; Type is a literal string such as AWS::S3::Bucket`;
  }
  if (!isKnownResourceType(type)) {
    const suggestion = closestKnownType(type);
    return `unknown resource type ${type} (logical ID ${logicalId})${suggestion ? `; did you mean ${suggestion}?` : ''} The resource is not scanned.`;
  }
  return undefined;
}

// ----- JSON

function parseJson(text: string, file: string): ParsedText {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const { detail, line } = jsonErrorLocation((error as Error).message, text);
    throw new ScanInputError(file, `JSON error: ${detail}`, line);
  }
  return { value, sections: jsonSectionLines(text, file) };
}

/** V8 reports a position (Node 20) or a line and column (Node 22+); make both a line. */
function jsonErrorLocation(message: string, text: string): { detail: string; line: number } {
  const lineColumn = /\s*\(line (\d+) column (\d+)\)/.exec(message);
  const position = /\s*at position (\d+)/.exec(message);
  let detail = message;
  let line: number;
  if (lineColumn) {
    line = Number(lineColumn[1]);
    detail = detail.replace(lineColumn[0], '');
  } else if (position) {
    line = lineOfOffset(text, Number(position[1]));
  } else {
    // "Unexpected end of JSON input": the file stops early.
    line = lineOfOffset(text, text.length);
  }
  if (position) detail = detail.replace(position[0], '');
  detail = detail.replace(/, "(?:[^"\\]|\\.)*" is not valid JSON$/, '').replace(/ in JSON$/, '');
  return { detail, line };
}

function lineOfOffset(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/**
 * The lines of the top-level keys and of the keys one level below (logical IDs under Resources),
 * from a token scan of text JSON.parse accepted: a key is matched by its place in the structure,
 * never by searching the text, so a logical ID that also appears in a string elsewhere is not
 * confused with it. Duplicate keys, which JSON.parse silently collapses, are errors.
 */
function jsonSectionLines(text: string, file: string): Map<string, SectionLines> {
  const sections = new Map<string, { line: number; keys: Map<string, number> }>();
  // One frame per open container: whether it is an object expecting a key, and its section, if any.
  const frames: { object: boolean; expectKey: boolean; section?: string; seen?: Map<string, number> }[] = [];
  let line = 1;
  let pendingKey: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (char === 10) {
      line++;
    } else if (char === 34 /* " */) {
      const start = i;
      for (i++; i < text.length && text.charCodeAt(i) !== 34; i++) if (text.charCodeAt(i) === 92) i++;
      const frame = frames[frames.length - 1];
      if (frame?.object && frame.expectKey) {
        frame.expectKey = false;
        if (frames.length > 2) continue;
        const key = JSON.parse(text.slice(start, i + 1)) as string;
        pendingKey = key;
        const where = frames.length === 1 ? 'the template' : frame.section;
        const first = frame.seen?.get(key);
        if (first !== undefined) {
          throw new ScanInputError(file, `duplicate key ${key} in ${where} (first at line ${first})`, line);
        }
        frame.seen?.set(key, line);
        if (frames.length === 1) sections.set(key, { line, keys: new Map() });
        else if (frame.section !== undefined) sections.get(frame.section)?.keys.set(key, line);
      }
    } else if (char === 123 /* { */ || char === 91 /* [ */) {
      const object = char === 123;
      const section = frames.length === 1 && object ? pendingKey : undefined;
      frames.push({ object, expectKey: object, section, seen: frames.length < 2 ? new Map() : undefined });
    } else if (char === 125 /* } */ || char === 93 /* ] */) {
      frames.pop();
    } else if (char === 44 /* , */) {
      const frame = frames[frames.length - 1];
      if (frame?.object) frame.expectKey = true;
    }
  }
  return sections;
}

// ----- YAML

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

function parseYaml(text: string, file: string): ParsedText {
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

/** Turns a YAML document into template JSON: short forms into long forms, aliases followed. */
class YamlReader {
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
    if (isAlias(node)) return this.value(node.resolve(this.doc));
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

/** `object[key] = value`, where a key named __proto__ is data, not the object's prototype. */
function setOwn(object: TemplateObject, key: string, value: TemplateValue): void {
  if (key === '__proto__') {
    Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    object[key] = value;
  }
}

// ---------------------------------------------------------------------------------------------
// Resource types

/** SAM types missing from aws-cdk-lib's CloudFormation type list, and types CloudFormation accepts without a schema. */
const EXTRA_KNOWN_TYPES = [
  'AWS::Serverless::Function',
  'AWS::Serverless::Api',
  'AWS::Serverless::HttpApi',
  'AWS::Serverless::SimpleTable',
  'AWS::Serverless::StateMachine',
  'AWS::Serverless::LayerVersion',
  'AWS::Serverless::Application',
  'AWS::Serverless::GraphQLApi',
  'AWS::Serverless::Connector',
  'AWS::CloudFormation::CustomResource',
  // The version-reporting resource `cdk synth` adds to templates.
  'AWS::CDK::Metadata',
];

let knownTypes: ReadonlySet<string> | undefined;

/** The CloudFormation resource types aws-cdk-lib knows (its CfnInclude type table), SAM types included. */
export function knownResourceTypes(): ReadonlySet<string> {
  if (!knownTypes) {
    const table = join(
      dirname(require.resolve('aws-cdk-lib/package.json')),
      'cloudformation-include',
      'cfn-types-2-classes.json',
    );
    const types = Object.keys(JSON.parse(readFileSync(table, 'utf8')) as Record<string, unknown>);
    knownTypes = new Set([...types, ...EXTRA_KNOWN_TYPES]);
  }
  return knownTypes;
}

/**
 * Types in AWS's own namespaces must be known; `Custom::*` is always valid; other three-part names
 * (`MongoDB::Atlas::Cluster`, a private `MyOrg::Service::Thing`) are CloudFormation registry
 * extensions that no list can hold, so they are accepted as written.
 */
export function isKnownResourceType(type: string): boolean {
  if (/^Custom::[A-Za-z0-9_@-]+$/.test(type)) return true;
  if (knownResourceTypes().has(type)) return true;
  const parts = type.split('::');
  const shaped =
    (parts.length === 3 || (parts.length === 4 && parts[3] === 'MODULE')) &&
    parts.every((part) => /^[A-Za-z0-9]+$/.test(part));
  return shaped && !['aws', 'alexa', 'custom'].includes(parts[0].toLowerCase());
}

function closestKnownType(type: string): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(3, Math.floor(type.length / 6)) + 1;
  for (const candidate of knownResourceTypes()) {
    if (Math.abs(candidate.length - type.length) >= bestDistance) continue;
    const distance = editDistance(type.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j] + 1,
        current[j - 1] + 1,
        previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length];
}

// ---------------------------------------------------------------------------------------------
// SAM Globals

export const SAM_TRANSFORM = 'AWS::Serverless-2016-10-31';

/** True when the template's Transform (a name, or a list of names and `{ Name }` objects) includes SAM. */
export function hasSamTransform(template: TemplateObject): boolean {
  const transforms = Array.isArray(template.Transform) ? template.Transform : [template.Transform];
  return transforms.some(
    (transform) => transform === SAM_TRANSFORM || (isObject(transform) && transform.Name === SAM_TRANSFORM),
  );
}

/**
 * Apply `Globals` the way the SAM transform does (samtranslator's globals plugin): each section
 * `Globals.<Kind>` goes into every `AWS::Serverless::<Kind>`, except the properties the resource's
 * `IgnoreGlobals` names ('*' for all). The resource wins for scalars and intrinsics, maps merge
 * key by key, lists concatenate (globals first), and a type mismatch keeps the resource's value.
 * The implicit resources SAM would add (ServerlessRestApi, <Function>Role...) are not created:
 * rules read the SAM types themselves.
 */
function expandSamGlobals(
  template: TemplateObject,
  file: string,
  sections: ReadonlyMap<string, SectionLines>,
  errors: ScanInputError[],
): TemplateObject {
  const globals = template.Globals;
  if (globals === undefined) return template;
  const globalsLine = sections.get('Globals')?.line;
  if (!hasSamTransform(template)) {
    errors.push(
      new ScanInputError(
        file,
        `Globals is read only with Transform: ${SAM_TRANSFORM}; add the transform, or move the properties into the resources`,
        globalsLine,
      ),
    );
    return template;
  }
  if (!isObject(globals)) {
    errors.push(
      new ScanInputError(
        file,
        `Globals is ${describeKind(globals)}; it must map resource kinds (Function, Api...) to properties. Globals are not applied`,
        globalsLine,
      ),
    );
    return template;
  }
  const byType = new Map<string, TemplateObject>();
  for (const [kind, properties] of Object.entries(globals)) {
    if (isObject(properties)) {
      byType.set(`AWS::Serverless::${kind}`, properties);
    } else {
      errors.push(
        new ScanInputError(
          file,
          `Globals.${kind} is ${describeKind(properties)}; it must be a mapping of properties. It is not applied`,
          sections.get('Globals')?.keys.get(kind) ?? globalsLine,
        ),
      );
    }
  }
  const resources: TemplateObject = {};
  for (const [logicalId, resource] of Object.entries(template.Resources as TemplateObject)) {
    const shared =
      isObject(resource) && typeof resource.Type === 'string' ? byType.get(resource.Type) : undefined;
    if (!shared || !isObject(resource)) {
      resources[logicalId] = resource;
      continue;
    }
    const applied = withoutIgnoredGlobals(shared, resource.IgnoreGlobals);
    const own = isObject(resource.Properties) ? resource.Properties : {};
    resources[logicalId] = { ...resource, Properties: mergeGlobal(applied, own) as TemplateObject };
  }
  return { ...template, Resources: resources };
}

function withoutIgnoredGlobals(shared: TemplateObject, ignore: TemplateValue | undefined): TemplateObject {
  if (ignore === '*') return {};
  if (!Array.isArray(ignore)) return shared;
  return Object.fromEntries(Object.entries(shared).filter(([key]) => !ignore.includes(key)));
}

function mergeGlobal(shared: TemplateValue, own: TemplateValue): TemplateValue {
  // An intrinsic resolves to a scalar at deploy time: it is never merged into.
  const kind = (value: TemplateValue): string =>
    Array.isArray(value) ? 'list' : isObject(value) && !isIntrinsic(value) ? 'map' : 'scalar';
  const sharedKind = kind(shared);
  if (sharedKind !== kind(own) || sharedKind === 'scalar') return own;
  if (Array.isArray(shared) && Array.isArray(own)) return [...shared, ...own];
  const merged: TemplateObject = { ...(shared as TemplateObject) };
  for (const [key, value] of Object.entries(own as TemplateObject)) {
    setOwn(
      merged,
      key,
      Object.prototype.hasOwnProperty.call(merged, key) ? mergeGlobal(merged[key], value) : value,
    );
  }
  return merged;
}

// ---------------------------------------------------------------------------------------------
// Role

/**
 * The BIS role a template declares: its top-level `Metadata['bis:role']` (what `BisRole.set`
 * writes), else the `bis:role` tag its resources carry (the same value on all of them), else
 * undefined. Throws a `ScanInputError` for a value that is not a role, or resources that disagree.
 */
export function declaredRole(loaded: LoadedTemplate): BisRoleName | undefined {
  const { template, file } = loaded;
  const valid = `use one of ${BIS_ROLES.join(', ')}`;
  if (isObject(template.Metadata) && template.Metadata[BIS_ROLE_TAG] !== undefined) {
    const role = template.Metadata[BIS_ROLE_TAG];
    if (isBisRoleName(role)) return role;
    throw new ScanInputError(
      file,
      `Metadata ${BIS_ROLE_TAG} is ${JSON.stringify(role)}, not a BIS role; ${valid}`,
      loaded.sectionLines.get('Metadata')?.keys.get(BIS_ROLE_TAG),
    );
  }
  const tagged = new Map<BisRoleName, string>();
  for (const [logicalId, resource] of Object.entries(template.Resources as TemplateObject)) {
    const properties = isObject(resource) && isObject(resource.Properties) ? resource.Properties : {};
    const role = tagValue(properties.Tags, BIS_ROLE_TAG);
    // A tag computed at deploy time (a Ref to a parameter) names no role here.
    if (typeof role !== 'string') continue;
    if (!isBisRoleName(role)) {
      throw new ScanInputError(
        file,
        `resource ${logicalId} has the tag ${BIS_ROLE_TAG}=${JSON.stringify(role)}, not a BIS role; ${valid}`,
        loaded.resourceLines.get(logicalId),
      );
    }
    if (!tagged.has(role)) tagged.set(role, logicalId);
  }
  if (tagged.size > 1) {
    const claims = [...tagged].map(([role, logicalId]) => `${logicalId} says ${role}`).join(', ');
    throw new ScanInputError(
      file,
      `resources disagree on the ${BIS_ROLE_TAG} tag (${claims}); declare the template's role once in its Metadata (${BIS_ROLE_TAG}: <role>) or pass --role`,
    );
  }
  return tagged.keys().next().value;
}

/** The role a scan gives a template: the `--role` option, else what the template declares, else the default. */
export function templateRole(loaded: LoadedTemplate, override?: BisRoleName): BisRoleName {
  return override ?? declaredRole(loaded) ?? DEFAULT_BIS_ROLE;
}
