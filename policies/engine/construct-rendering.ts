import { Stack, type CfnResource } from 'aws-cdk-lib';
import { literalString, type TemplateObject, type TemplateValue } from './template-values';

/*
 * An L1 construct rendered as its synthesized template entry, without a synth. `Properties` are
 * resolved one by one when a rule first reads them: resolving a whole resource costs several times
 * what the rules spend on it, and most rules read one or two properties of a resource, or only its
 * type. (cdk-nag's packs are fast for the same reason: each rule resolves the property it checks.)
 */

/** The parts of CfnResource that rendering needs: CDK keeps them protected or private. */
interface L1Internals {
  readonly cfnProperties: Record<string, unknown>;
  readonly rawOverrides: Record<string, unknown>;
  renderProperties(props: Record<string, unknown>): Record<string, unknown>;
}

/** Per L1 class, the template key each of its property keys renders as, learnt once; null: not a plain renaming. */
const TEMPLATE_NAMES = new Map<unknown, Map<string, string> | null>();

/** A stand-in value: CDK's mappers and validators pass an intrinsic-shaped object through untouched. */
const PROBE_KEY = 'Fn::BisProbe';

/** The fields of a template entry besides `Properties`. */
export interface EntryAttributes {
  readonly deletionPolicy?: string;
  readonly updateReplacePolicy?: string;
  readonly metadata: TemplateObject;
  readonly condition?: string;
}

/** The construct's template `Properties`: read lazily when they can be, else rendered whole. */
export function constructProperties(construct: CfnResource): TemplateObject {
  if (hasOverrides(construct)) return (wholeEntry(construct).Properties as TemplateObject | undefined) ?? {};
  return lazyProperties(construct) ?? resolvedProperties(construct);
}

/** The construct's DeletionPolicy, UpdateReplacePolicy, Metadata and Condition, as its template entry has them. */
export function entryAttributes(construct: CfnResource): EntryAttributes {
  const stack = construct.stack;
  if (hasOverrides(construct)) {
    const entry = wholeEntry(construct);
    return {
      deletionPolicy: literalString(entry.DeletionPolicy),
      updateReplacePolicy: literalString(entry.UpdateReplacePolicy),
      metadata: (entry.Metadata as TemplateObject | undefined) ?? {},
      condition: literalString(entry.Condition),
    };
  }
  const options = construct.cfnOptions;
  return {
    deletionPolicy: literalString(options.deletionPolicy),
    updateReplacePolicy: literalString(options.updateReplacePolicy),
    metadata: (stack.resolve(options.metadata) as TemplateObject | undefined) ?? {},
    condition: options.condition ? literalString(stack.resolve(options.condition.logicalId)) : undefined,
  };
}

// An override can reach into any field at any depth: only CDK's own rendering honours it exactly.
function hasOverrides(construct: CfnResource): boolean {
  return Object.keys((construct as unknown as L1Internals).rawOverrides ?? {}).length > 0;
}

/** The whole entry as `_toCloudFormation()` renders it, overrides included. */
function wholeEntry(construct: CfnResource): TemplateObject {
  const full = construct.stack.resolve(
    (construct as unknown as { _toCloudFormation(): unknown })._toCloudFormation(),
  ) as { Resources?: Record<string, TemplateObject> };
  return Object.values(full.Resources ?? {})[0] ?? {};
}

/** Every property resolved at once, then mapped to template names, as `_toCloudFormation()` does. */
function resolvedProperties(construct: CfnResource): TemplateObject {
  const l1 = construct as unknown as L1Internals;
  const resolved = construct.stack.resolve(l1.cfnProperties) as Record<string, unknown> | undefined;
  return (resolved ? l1.renderProperties(resolved) : {}) as TemplateObject;
}

/**
 * The properties as a view that resolves each on first read, or undefined when they cannot be
 * read one by one (an L1 whose rendering is not a renaming of its keys).
 */
function lazyProperties(construct: CfnResource): TemplateObject | undefined {
  const l1 = construct as unknown as L1Internals;
  const raw = l1.cfnProperties;
  // A key that is itself a token is resolved with the whole object; rare enough to render whole.
  if (Object.keys(raw).some((key) => key.includes('${Token['))) return undefined;
  const names = templateNames(construct, raw);
  return names && new Proxy<TemplateObject>({}, new LazyProperties(construct.stack, l1, raw, names));
}

/**
 * The template key of each property the construct sets, in template order, as the class's
 * `renderProperties` maps them; undefined when that mapping is not a plain renaming.
 */
function templateNames(
  construct: CfnResource,
  raw: Record<string, unknown>,
): Map<string, string> | undefined {
  let known = TEMPLATE_NAMES.get(construct.constructor);
  if (known === null) return undefined;
  const keys = Object.keys(raw).filter((key) => raw[key] !== undefined);
  if (!known || keys.some((key) => !known!.has(key))) {
    const probed = probeNames(construct as unknown as L1Internals, keys, known);
    // A failed rendering (a required property missing) says nothing of the class: this one renders whole.
    if (probed === undefined) return undefined;
    TEMPLATE_NAMES.set(construct.constructor, probed);
    if (probed === null) return undefined;
    known = probed;
  }
  // Template order: the order `renderProperties` writes its keys in, which the known map keeps.
  const byTemplateKey = new Map<string, string>();
  for (const [key, templateKey] of known) if (raw[key] !== undefined) byTemplateKey.set(templateKey, key);
  return byTemplateKey;
}

/**
 * Render stand-ins for the keys to learn where each lands. Every stand-in must come out alone and
 * untouched under one template key, and nothing else may come out; otherwise the class renders
 * its properties in a way this view cannot reproduce one key at a time.
 */
function probeNames(
  l1: L1Internals,
  keys: readonly string[],
  known: Map<string, string> | undefined,
): Map<string, string> | null | undefined {
  const probes: Record<string, unknown> = {};
  for (const key of [...(known?.keys() ?? []), ...keys]) probes[key] = { [PROBE_KEY]: key };
  let rendered: Record<string, unknown>;
  try {
    rendered = l1.renderProperties(probes);
  } catch {
    return undefined;
  }
  const names = new Map<string, string>();
  for (const [templateKey, value] of Object.entries(rendered ?? {})) {
    if (value === undefined) continue;
    const key = isProbe(value) ? value[PROBE_KEY] : undefined;
    if (typeof key !== 'string' || probes[key] !== value || names.has(key)) return null;
    names.set(key, templateKey);
  }
  return names.size === Object.keys(probes).length ? names : null;
}

function isProbe(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && PROBE_KEY in value;
}

/**
 * The proxy behind `lazyProperties`. A read resolves one property; listing the keys (spread,
 * `Object.keys`, `in`) resolves the ones it must, since a property that resolves to undefined is
 * not in the template.
 */
class LazyProperties implements ProxyHandler<TemplateObject> {
  private readonly values = new Map<string, TemplateValue | undefined>();
  private probes?: Record<string, unknown>;

  constructor(
    private readonly stack: Stack,
    private readonly l1: L1Internals,
    private readonly raw: Record<string, unknown>,
    /** Template key → the L1's property key, in template order. */
    private readonly names: ReadonlyMap<string, string>,
  ) {}

  // Anything not a property (`hasOwnProperty`, `toJSON`...) reads as it would on a plain object.
  public get(target: TemplateObject, key: string | symbol): unknown {
    return typeof key === 'string' && this.names.has(key) ? this.value(key) : Reflect.get(target, key);
  }

  public has(target: TemplateObject, key: string | symbol): boolean {
    return typeof key === 'string' && this.names.has(key)
      ? this.value(key) !== undefined
      : Reflect.has(target, key);
  }

  public ownKeys(): string[] {
    return [...this.names.keys()].filter((templateKey) => this.value(templateKey) !== undefined);
  }

  public getOwnPropertyDescriptor(
    _target: TemplateObject,
    templateKey: string | symbol,
  ): PropertyDescriptor | undefined {
    const value = typeof templateKey === 'string' ? this.value(templateKey) : undefined;
    return value === undefined ? undefined : { value, writable: false, enumerable: true, configurable: true };
  }

  // Rules read their input and never change it; a write would be a rule bug, reported as one.
  public set(): boolean {
    return false;
  }

  public defineProperty(): boolean {
    return false;
  }

  public deleteProperty(): boolean {
    return false;
  }

  private value(templateKey: string): TemplateValue | undefined {
    if (this.values.has(templateKey)) return this.values.get(templateKey);
    const key = this.names.get(templateKey);
    const value = key === undefined ? undefined : this.render(key, templateKey);
    this.values.set(templateKey, value);
    return value;
  }

  /** One property as `_toCloudFormation()` writes it: resolved, then mapped to its template shape. */
  private render(key: string, templateKey: string): TemplateValue | undefined {
    const resolved: unknown = this.stack.resolve(this.raw[key]);
    if (resolved === undefined || passesThrough(resolved)) return resolved as TemplateValue | undefined;
    // Structures are renamed in depth by the class's own mapping; the other keys stand in as probes.
    this.probes ??= Object.fromEntries([...this.names.values()].map((name) => [name, { [PROBE_KEY]: name }]));
    return this.l1.renderProperties({ ...this.probes, [key]: resolved })[templateKey] as
      TemplateValue | undefined;
  }
}

/**
 * Values CDK's property mappers return unchanged: scalars, intrinsics, and lists of them. Only
 * structures (renamed key by key), dates and tags are mapped.
 */
function passesThrough(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return true;
  if (Array.isArray(value))
    return value.every((item) => typeof item !== 'object' || item === null || isCdkIntrinsic(item));
  return isCdkIntrinsic(value);
}

/** CDK's own test (`canInspect`): an object with one key, `Ref` or `Fn::...`. */
function isCdkIntrinsic(value: object): boolean {
  let only: string | undefined;
  for (const key in value) {
    if (only !== undefined) return false;
    only = key;
  }
  return only !== undefined && (only === 'Ref' || only.startsWith('Fn::'));
}
