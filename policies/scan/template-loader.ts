import { readFileSync } from 'fs';
import { isObject, type TemplateObject } from '../engine/template-values';
import type { SectionLines } from '../template-text';
import { displayPath } from './discovery';
import { parseJson } from './json-template';
import { closestKnownType, isKnownResourceType } from './resource-types';
import { expandSamGlobals } from './sam-globals';
import { describeFileSystemError, describeKind, ScanInputError } from './scan-input-error';
import { parseYaml } from './yaml-template';

/*
 * Reading one CloudFormation or SAM template for `cdk-bis scan`: its text as JSON or YAML, in the
 * long form CDK synthesizes, the line of every resource, each resource checked and SAM Globals
 * expanded, so that rules see what they see at synth.
 */

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

function looksLikeJson(path: string, text: string): boolean {
  if (/\.json$/i.test(path)) return true;
  if (/\.ya?ml$/i.test(path)) return false;
  return text.trimStart().startsWith('{');
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
