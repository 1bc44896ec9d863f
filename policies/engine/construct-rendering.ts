import type { CfnResource } from 'aws-cdk-lib';
import { StackResolver } from './stack-resolver';
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

/**
 * The construct's template `Properties`. Nothing is read until a rule looks at a key: many rules
 * take `resource.properties` first and then look only for the types they judge. A run passes its
 * stack's resolver, shared by the stack's resources, so that each token is resolved once.
 */
export function constructProperties(
  construct: CfnResource,
  resolver = new StackResolver(construct.stack),
): TemplateObject {
  return new Proxy<TemplateObject>({}, new PropertiesProxy(construct, resolver));
}

/**
 * The logical ID, as its template has it. Resolved through the run's resolver, which then has it
 * for every reference to the resource.
 */
export function logicalIdOf(construct: CfnResource, resolver = new StackResolver(construct.stack)): string {
  return String(resolver.resolve(construct.logicalId));
}

/** The construct's DeletionPolicy, UpdateReplacePolicy, Metadata and Condition, as its template entry has them. */
export function entryAttributes(
  construct: CfnResource,
  resolver = new StackResolver(construct.stack),
): EntryAttributes {
  if (hasOverrides(construct)) {
    const entry = wholeEntry(construct, resolver);
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
    metadata: (resolver.resolve(options.metadata) as TemplateObject | undefined) ?? {},
    condition: options.condition ? literalString(resolver.resolve(options.condition.logicalId)) : undefined,
  };
}

// An override can reach into any field at any depth: only CDK's own rendering honours it exactly.
function hasOverrides(construct: CfnResource): boolean {
  // Asked of every resource a rule reads: no key array is built to learn that there is none.
  for (const _ in (construct as unknown as L1Internals).rawOverrides ?? {}) return true;
  return false;
}

/** The whole entry as `_toCloudFormation()` renders it, overrides included. */
function wholeEntry(construct: CfnResource, resolver: StackResolver): TemplateObject {
  const full = resolver.resolve(
    (construct as unknown as { _toCloudFormation(): unknown })._toCloudFormation(),
  ) as { Resources?: Record<string, TemplateObject> };
  return Object.values(full.Resources ?? {})[0] ?? {};
}

/** What the proxy reads from: the template keys in template order, and each one's value. */
interface PropertyView {
  readonly templateKeys: Iterable<string>;
  isTemplateKey(key: string): boolean;
  value(templateKey: string): TemplateValue | undefined;
}

/** The properties to read: one by one when the class allows it, else rendered whole as CDK does. */
function openView(construct: CfnResource, resolver: StackResolver): PropertyView {
  if (hasOverrides(construct))
    return new RenderedView((wholeEntry(construct, resolver).Properties as TemplateObject) ?? {});
  const l1 = construct as unknown as L1Internals;
  const raw = l1.cfnProperties;
  const names = templateNames(construct, raw);
  if (names) return new OneByOneView(resolver, l1, raw, names);
  const resolved = resolver.resolve(raw) as Record<string, unknown> | undefined;
  return new RenderedView((resolved ? l1.renderProperties(resolved) : {}) as TemplateObject);
}

/** Properties rendered at once (CDK's `renderProperties` lists unset keys as undefined: they are absent). */
class RenderedView implements PropertyView {
  public readonly templateKeys: string[];

  constructor(private readonly properties: TemplateObject) {
    this.templateKeys = Object.keys(properties).filter((key) => properties[key] !== undefined);
  }

  public isTemplateKey(key: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.properties, key);
  }

  public value(templateKey: string): TemplateValue | undefined {
    return this.properties[templateKey];
  }
}

/**
 * The template key of each property the construct sets, in template order, as the class's
 * `renderProperties` maps them; undefined when they cannot be read one by one: the mapping is not
 * a plain renaming, or a key is itself a token (resolved with the whole object).
 */
function templateNames(
  construct: CfnResource,
  raw: Record<string, unknown>,
): Map<string, string> | undefined {
  let known = TEMPLATE_NAMES.get(construct.constructor);
  if (known === null) return undefined;
  const keys: string[] = [];
  let unknown = known === undefined;
  for (const key in raw) {
    if (raw[key] === undefined) continue;
    if (key.includes('${Token[')) return undefined;
    keys.push(key);
    unknown ||= !known!.has(key);
  }
  if (unknown) {
    const probed = probeNames(construct as unknown as L1Internals, keys, known);
    // A failed rendering (a required property missing) says nothing of the class: this one renders whole.
    if (probed === undefined) return undefined;
    TEMPLATE_NAMES.set(construct.constructor, probed);
    if (probed === null) return undefined;
    known = probed;
  }
  // Template order: the order `renderProperties` writes its keys in, which the known map keeps.
  const byTemplateKey = new Map<string, string>();
  for (const [key, templateKey] of known!) if (raw[key] !== undefined) byTemplateKey.set(templateKey, key);
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
 * The proxy behind `constructProperties`. A read resolves one property; listing the keys (spread,
 * `Object.keys`, `in`) resolves the ones it must, since a property that resolves to undefined is
 * not in the template.
 */
class PropertiesProxy implements ProxyHandler<TemplateObject> {
  private opened?: PropertyView;

  // Not `construct`: that name is the proxy trap for `new`.
  constructor(
    private readonly l1: CfnResource,
    private readonly resolver: StackResolver,
  ) {}

  // Anything not a property (`hasOwnProperty`, `toJSON`...) reads as it would on a plain object.
  public get(target: TemplateObject, key: string | symbol): unknown {
    const view = this.view();
    return typeof key === 'string' && view.isTemplateKey(key) ? view.value(key) : Reflect.get(target, key);
  }

  public has(target: TemplateObject, key: string | symbol): boolean {
    const view = this.view();
    return typeof key === 'string' && view.isTemplateKey(key)
      ? view.value(key) !== undefined
      : Reflect.has(target, key);
  }

  public ownKeys(): string[] {
    const view = this.view();
    return [...view.templateKeys].filter((templateKey) => view.value(templateKey) !== undefined);
  }

  public getOwnPropertyDescriptor(
    _target: TemplateObject,
    key: string | symbol,
  ): PropertyDescriptor | undefined {
    const view = this.view();
    const value = typeof key === 'string' && view.isTemplateKey(key) ? view.value(key) : undefined;
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

  private view(): PropertyView {
    this.opened ??= openView(this.l1, this.resolver);
    return this.opened;
  }
}

/** Each property resolved on first read, then mapped to its template shape as `_toCloudFormation()` maps it. */
class OneByOneView implements PropertyView {
  private readonly values = new Map<string, TemplateValue | undefined>();
  private probes?: Record<string, unknown>;

  constructor(
    private readonly resolver: StackResolver,
    private readonly l1: L1Internals,
    private readonly raw: Record<string, unknown>,
    /** Template key → the L1's property key, in template order. */
    private readonly names: ReadonlyMap<string, string>,
  ) {}

  public get templateKeys(): Iterable<string> {
    return this.names.keys();
  }

  public isTemplateKey(key: string): boolean {
    return this.names.has(key);
  }

  public value(templateKey: string): TemplateValue | undefined {
    if (this.values.has(templateKey)) return this.values.get(templateKey);
    const key = this.names.get(templateKey);
    const value = key === undefined ? undefined : this.render(key, templateKey);
    this.values.set(templateKey, value);
    return value;
  }

  private render(key: string, templateKey: string): TemplateValue | undefined {
    const resolved: unknown = this.resolver.resolve(this.raw[key]);
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
