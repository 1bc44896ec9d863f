/*
 * Reading template values that may be intrinsics. Every helper answers for any input (never
 * throws) and says "unknown" rather than guessing when a value is computed at deploy time.
 */

/** A JSON value as it appears in a synthesized template: literals, or intrinsic objects. */
export type TemplateValue =
  string | number | boolean | null | TemplateValue[] | { [key: string]: TemplateValue };
export type TemplateObject = { [key: string]: TemplateValue };

/** A JSON object: not null, not a list. */
export function isObject(value: unknown): value is TemplateObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const INTRINSIC_KEYS = new Set([
  'Ref',
  'Condition',
  'Fn::GetAtt',
  'Fn::Join',
  'Fn::Sub',
  'Fn::If',
  'Fn::Select',
  'Fn::Split',
  'Fn::ImportValue',
  'Fn::FindInMap',
  'Fn::Base64',
  'Fn::GetAZs',
  'Fn::Cidr',
  'Fn::Equals',
  'Fn::And',
  'Fn::Or',
  'Fn::Not',
  'Fn::Transform',
  'Fn::Length',
  'Fn::ToJsonString',
]);

/** An object with exactly one key that is an intrinsic function: its value is known only at deploy time. */
export function isIntrinsic(value: unknown): value is TemplateObject {
  if (!isObject(value)) return false;
  // Counted without Object.keys: rules ask this of every object they read, and allocation is the cost.
  let only: string | undefined;
  for (const key in value) {
    if (only !== undefined) return false;
    only = key;
  }
  return only !== undefined && INTRINSIC_KEYS.has(only);
}

/** The literal string, or undefined when the value is absent, not a string, or an intrinsic. */
export function literalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** The literal number (CloudFormation often writes numbers as strings), or undefined. */
export function literalNumber(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
    return Number(value);
  return undefined;
}

/** true or false when the value is a literal boolean (or "true"/"false"), undefined otherwise. */
export function literalBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  return undefined;
}

/** Walk a path of keys and indexes; undefined as soon as a step is missing or not a container. */
export function valueAt(root: unknown, ...path: (string | number)[]): TemplateValue | undefined {
  let current: unknown = root;
  for (const step of path) {
    if (typeof step === 'number') {
      if (!Array.isArray(current)) return undefined;
      current = current[step];
    } else {
      if (!isObject(current)) return undefined;
      current = current[step];
    }
  }
  return current as TemplateValue | undefined;
}

/** The elements of a literal list; an intrinsic or scalar gives an empty list. */
export function listAt(root: unknown, ...path: (string | number)[]): TemplateValue[] {
  const value = valueAt(root, ...path);
  return Array.isArray(value) ? value : [];
}

/** A value that is a string or a list of strings (IAM `Action`, `Resource`...), as a list of literal strings. */
export function stringList(value: unknown): { literals: string[]; hasComputed: boolean } {
  const items = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
  const literals: string[] = [];
  let hasComputed = false;
  for (const item of items) {
    if (typeof item === 'string') literals.push(item);
    else hasComputed = true;
  }
  return { literals, hasComputed };
}

/**
 * The logical ID a value points to, when it is `{ Ref: X }` or `{ 'Fn::GetAtt': [X, attr] }`
 * (or the string form `X.attr`).
 */
export function referencedLogicalId(value: unknown): string | undefined {
  if (!isObject(value)) return undefined;
  const ref = value.Ref;
  if (typeof ref === 'string' && !ref.startsWith('AWS::')) return ref;
  const getAtt = value['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0];
  if (typeof getAtt === 'string') return getAtt.split('.')[0];
  return undefined;
}

/** Every logical ID referenced (Ref, GetAtt, Sub `${X}` / `${X.attr}`) anywhere inside a value. */
export function referencedLogicalIds(value: unknown, found: Set<string> = new Set()): Set<string> {
  if (Array.isArray(value)) {
    for (const item of value) referencedLogicalIds(item, found);
  } else if (isObject(value)) {
    const direct = referencedLogicalId(value);
    if (direct) found.add(direct);
    const sub = value['Fn::Sub'];
    const subTemplate = typeof sub === 'string' ? sub : Array.isArray(sub) ? sub[0] : undefined;
    if (typeof subTemplate === 'string') {
      for (const match of subTemplate.matchAll(/\$\{([A-Za-z0-9]+)(?:\.[A-Za-z0-9.]+)?\}/g))
        found.add(match[1]);
    }
    for (const inner of Object.values(value)) referencedLogicalIds(inner, found);
  }
  return found;
}

/** The value of a tag on a resource, for both tag shapes: `[{ Key, Value }]` and `{ key: value }`. */
export function tagValue(tags: unknown, key: string): TemplateValue | undefined {
  if (Array.isArray(tags)) {
    for (const tag of tags) {
      if (isObject(tag) && tag.Key === key) return tag.Value;
    }
    return undefined;
  }
  if (isObject(tags) && !isIntrinsic(tags)) return tags[key];
  return undefined;
}

/**
 * The values a template value can take at deploy time: both branches of every `Fn::If` (at any
 * depth), none for `Ref: AWS::NoValue`, and the value itself otherwise (an intrinsic stays one).
 */
export function possibleValues(value: unknown): TemplateValue[] {
  if (value === undefined) return [];
  if (isObject(value) && ('Ref' in value || 'Fn::If' in value) && isIntrinsic(value)) {
    if (value.Ref === 'AWS::NoValue') return [];
    const branches = value['Fn::If'];
    if (Array.isArray(branches) && branches.length === 3) {
      return [...possibleValues(branches[1]), ...possibleValues(branches[2])];
    }
  }
  return [value as TemplateValue];
}

/**
 * True when the property can be absent at deploy time: missing, `Ref: AWS::NoValue`, or an `Fn::If`
 * with such a branch. Pairs with `possibleValues` when absence means a default (x86_64, PROVISIONED).
 */
export function mayBeAbsent(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (!isObject(value) || !('Ref' in value || 'Fn::If' in value) || !isIntrinsic(value)) return false;
  if (value.Ref === 'AWS::NoValue') return true;
  const branches = value['Fn::If'];
  return (
    Array.isArray(branches) && branches.length === 3 && (mayBeAbsent(branches[1]) || mayBeAbsent(branches[2]))
  );
}

/**
 * Whether the value at a path exists at deploy time, following `Fn::If` at every level of the path
 * (`DeadLetterConfig: { 'Fn::If': [c, { TargetArn }, { Ref: 'AWS::NoValue' }] }` is `'conditional'`).
 * A present value may itself be computed; only its existence is judged.
 */
export function presenceAt(root: unknown, ...path: string[]): 'present' | 'conditional' | 'absent' {
  let present = false;
  let absent = false;
  const walk = (value: unknown, rest: string[]): void => {
    if (mayBeAbsent(value) || value === '') absent = true;
    for (const possible of possibleValues(value)) {
      if (possible === null || possible === '') absent = true;
      else if (rest.length === 0) present = true;
      else walk(valueAt(possible, rest[0]), rest.slice(1));
    }
  };
  walk(root, path);
  return present ? (absent ? 'conditional' : 'present') : 'absent';
}
