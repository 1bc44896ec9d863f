import { CfnOutput, CfnResource, NestedStack, Stack, Stage, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { BisRole, DEFAULT_BIS_ROLE, type BisRoleName } from '../../lib/roles';
import { BIS_COST_CENTER_TAG, BIS_OWNER_TAG } from '../marks';
import { isCdkMachinery } from './cdk-machinery';
import { StackResolver } from './stack-resolver';
import {
  ConstructResource,
  JsonResource,
  stackInfo,
  type StackInfo,
  type TemplateResource,
} from './template-resource';
import {
  isObject,
  literalString,
  referencedLogicalId,
  tagValue,
  type TemplateObject,
} from './template-values';

/** Settings that rules read through the index. */
export interface IndexSettings {
  /** Tag keys every cost-bearing resource must carry. */
  readonly costAllocationTagKeys: readonly string[];
  /** The per-user budget BIS-CO10 checks. @default - no budget: BIS-CO10 is not applicable */
  readonly budget?: PerUserBudget;
  /** Stack names or construct paths (`*` wildcards) that may declare data-platform (BIS-DI5). @default - every declaration is trusted */
  readonly dataPlatformStacks?: readonly string[];
}

/** The budget of the diktat "about 10 € per user per month", checked and resolved. */
export interface PerUserBudget {
  readonly users: number;
  readonly monthlyPerUser: number;
  readonly currency: 'EUR' | 'USD';
  /** How many USD one unit of `currency` is worth (1 for USD): prices are in USD. */
  readonly usdPerUnit: number;
}

export const DEFAULT_INDEX_SETTINGS: IndexSettings = {
  costAllocationTagKeys: [BIS_OWNER_TAG, BIS_COST_CENTER_TAG],
};

/** The stack tag (or template Metadata key) that names the application a stack belongs to. */
export const BIS_APPLICATION_TAG = 'bis:application';

/**
 * Where a deployment unit belongs, for the application-level rules (BIS-BA1): an explicit
 * `bis:application` name, else a scope (a Stage's construct path, or a directory of CDK templates)
 * that, when `nested`, also holds the scopes below it.
 */
export interface ApplicationScope {
  /** The `bis:application` tag value: the application is then the units with the same value. */
  readonly name?: string;
  /** '' for the app itself; a Stage path; a directory of CDK templates; a hand-written template's own path. */
  readonly scope: string;
  /** True when the scopes below this one (inner Stages, `assembly-*` directories) belong to it too. */
  readonly nested: boolean;
  /** How a message names the application. */
  readonly description: string;
}

/**
 * The key of a per-stack fact that `AppIndex.memo` computes once per run. Declare it beside the
 * rule that owns it: keys compare by identity, so two rules can never share one by accident, and
 * the fact's type travels with the key.
 */
export class MemoKey<T> {
  /** Carries `T` for the type checker only. */
  declare readonly valueType?: T;

  /**
   * @param keptAfterRelease the fact is small and holds no resource (a boolean, a count), so `release`
   *   keeps it: a rule that asks it of every unit then reads each unit once per run, not once per unit
   *   that asks. @default false: the fact goes with its unit's resources.
   */
  constructor(
    public readonly description: string,
    public readonly keptAfterRelease = false,
  ) {}
}

/** Per construct, the resource rendered from or linked to it, for `resourceOfConstruct`. */
const RESOURCES_BY_CONSTRUCT = new MemoKey<Map<CfnResource, TemplateResource>>('resources by construct');

/**
 * Everything relational rules need about the whole app, built once per validation run in one walk
 * of the construct tree. Derived facts (logical-ID maps, "which buckets receive access logs"...)
 * are computed on first use and cached, so every rule stays O(1) or O(stack) per resource and a
 * run stays O(N) overall.
 */
export class AppIndex {
  /**
   * Walk the construct tree once: every stack (nested stacks and stages included) and every L1
   * resource. When `templateOf` gives a stack's synthesized template, its resources are read from
   * it (CDK already resolved them, 20-30x cheaper than resolving again); otherwise each construct
   * is rendered lazily.
   */
  public static fromConstructTree(
    root: IConstruct,
    settings: IndexSettings = DEFAULT_INDEX_SETTINGS,
    templateOf: (stack: Stack) => TemplateObject | undefined = () => undefined,
  ): AppIndex {
    const index = new AppIndex(settings);
    const stackInfos = new Map<Stack, StackInfo>();
    const constructsByStack = new Map<Stack, LinkableConstruct[]>();
    const outputsByStack = new Map<Stack, CfnOutput[]>();
    const infoOf = (stack: Stack): StackInfo => {
      let info = stackInfos.get(stack);
      if (!info) {
        const parent = NestedStack.isNestedStack(stack) ? stack.nestedStackParent : undefined;
        const parentInfo = parent ? infoOf(parent) : undefined;
        info = stackInfo(
          { path: stack.node.path, role: BisRole.of(stack).role, stackName: stackNameOf(stack, parentInfo) },
          parentInfo,
        );
        stackInfos.set(stack, info);
        constructsByStack.set(stack, []);
        outputsByStack.set(stack, []);
      }
      return info;
    };

    // The enclosing stack and the construct path are carried down the walk: Stack.of and node.path
    // per construct would climb the tree again for each one.
    const visit = (construct: IConstruct, enclosing: Stack | undefined, path: string): void => {
      if (index.readAcknowledgements(construct)) index.acknowledgingConstructs.push(construct);
      if (Stack.isStack(construct)) {
        infoOf(construct);
        enclosing = construct;
      } else if (enclosing && CfnResource.isCfnResource(construct)) {
        constructsByStack.get(enclosing)?.push({ construct, path });
      } else if (enclosing && construct instanceof CfnOutput) {
        outputsByStack.get(enclosing)?.push(construct);
      }
      for (const child of construct.node.children) {
        visit(child, enclosing, path === '' ? child.node.id : `${path}/${child.node.id}`);
      }
    };
    // Acknowledgements on the root's ancestors apply to everything below them.
    for (const ancestor of root.node.scopes.slice(0, -1)) index.readAcknowledgements(ancestor);
    const rootStack = root.node.scopes.filter((scope) => Stack.isStack(scope)).pop();
    if (rootStack) infoOf(rootStack);
    visit(root, rootStack, root.node.path);

    for (const [stack, info] of stackInfos) {
      index.addStack(info);
      // A stack's resources are read when a rule first needs them, and may be released after its
      // deployment unit is checked (see `release`): the parsed templates of a large app then never
      // all live at once.
      index.loaders.set(info, () => {
        const template = templateOf(stack);
        if (template) {
          index.addTemplateResources(info, template, constructsByStack.get(stack) ?? [], { exports: false });
        } else {
          // One resolver per read of the stack: its memo goes when the stack's resources are released.
          const resolver = new StackResolver(stack);
          for (const { construct, path } of constructsByStack.get(stack) ?? []) {
            index.addResource(new ConstructResource(construct, info, resolver, path));
          }
        }
      });
      // Exports come from the CfnOutput constructs (CDK's own for strong references included), so
      // that Fn::ImportValue can be traced before any template is read.
      for (const output of outputsByStack.get(stack) ?? []) {
        const exportName = stack.resolve(output.exportName);
        if (typeof exportName === 'string') index.addExport(exportName, info);
      }
    }
    for (const [stack, info] of stackInfos) {
      if (info.deploymentUnit === info) index.setApplicationScope(info, constructApplicationScope(stack));
    }
    for (const [stack, info] of stackInfos) {
      index.stackDependencies.set(
        info,
        stack.dependencies.map((dependency) => infoOf(dependency)),
      );
    }
    return index;
  }

  public readonly stacks: StackInfo[] = [];
  private readonly resourcesByStack = new Map<StackInfo, TemplateResource[]>();
  /** How to read a stack's resources again, for stacks read lazily from a construct tree. */
  private readonly loaders = new Map<StackInfo, () => void>();
  private readonly loaded = new Set<StackInfo>();
  private readonly resourcesByLogicalId = new Map<StackInfo, Map<string, TemplateResource>>();
  private readonly stackDependencies = new Map<StackInfo, StackInfo[]>();
  private readonly exports = new Map<string, StackInfo>();
  private readonly anchors = new Map<StackInfo, TemplateResource | null>();
  private readonly applicationScopes = new Map<StackInfo, ApplicationScope>();
  // Maps, not WeakMaps: an index lives for one run, and weak lookups cost several times more.
  private readonly machinery = new Map<TemplateResource, boolean>();
  private readonly memos = new Map<MemoKey<unknown>, Map<StackInfo, unknown>>();
  /** The constructs that carry acknowledgements (`Validations.of(c).acknowledge`), with their own entries. */
  private readonly acknowledgements = new Map<IConstruct, Map<string, string>>();
  /** The constructs of the walked tree (not its root's scopes) that carry acknowledgements, in tree order. */
  public readonly acknowledgingConstructs: IConstruct[] = [];

  constructor(public readonly settings: IndexSettings) {}

  /**
   * The reason acknowledging `id` (e.g. `BIS::BIS-SF1`) on the construct or its closest
   * acknowledging ancestor, as CDK reads it; undefined when none does.
   */
  public acknowledgement(construct: IConstruct, id: string): string | undefined {
    // Most apps acknowledge little: a lookup climbs the scopes only while some construct has entries.
    if (this.acknowledgements.size === 0) return undefined;
    for (let current: IConstruct | undefined = construct; current; current = current.node.scope) {
      const reason = this.acknowledgements.get(current)?.get(id);
      if (reason !== undefined) return reason;
    }
    return undefined;
  }

  /**
   * Record the acknowledgements a construct carries, if any (the one walk reads every construct
   * once); true when it carries some.
   */
  public readAcknowledgements(construct: IConstruct): boolean {
    let acknowledges = false;
    for (const entry of construct.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY || !entry.data) continue;
      acknowledges = true;
      let own = this.acknowledgements.get(construct);
      if (!own) {
        own = new Map();
        this.acknowledgements.set(construct, own);
      }
      for (const [id, reason] of Object.entries(entry.data as Record<string, unknown>)) {
        if (!own.has(id)) own.set(id, String(reason));
      }
    }
    return acknowledges;
  }

  /** Every resource of every stack, in stack order (reads every stack not yet read). */
  public get resources(): readonly TemplateResource[] {
    return this.stacks.flatMap((stack) => this.resourcesOf(stack));
  }

  /** The top-level stacks, each with its nested stacks: the units CloudFormation deploys. */
  public get deploymentUnits(): StackInfo[] {
    return this.stacks.filter((stack) => stack.deploymentUnit === stack);
  }

  public addStack(stack: StackInfo): void {
    this.stacks.push(stack);
    this.resourcesByStack.set(stack, []);
  }

  public addResource(resource: TemplateResource): void {
    this.resourcesByStack.get(resource.stack)?.push(resource);
  }

  /**
   * Forget what was read for a deployment unit's stacks, and what was derived from it. A stack
   * read lazily is read again if a rule asks for it later; a stack added directly (a template
   * scan) is kept, since it cannot be read again.
   */
  public release(unit: StackInfo): void {
    for (const stack of this.deploymentUnitStacks(unit)) {
      if (!this.loaders.has(stack) || !this.loaded.has(stack)) continue;
      for (const resource of this.resourcesByStack.get(stack) ?? []) this.machinery.delete(resource);
      this.resourcesByStack.set(stack, []);
      this.loaded.delete(stack);
      this.resourcesByLogicalId.delete(stack);
      this.anchors.delete(stack);
      for (const [key, byStack] of this.memos) if (!key.keptAfterRelease) byStack.delete(stack);
    }
  }

  /**
   * Add a synthesized template's resources and exports, each linked to its construct: by its
   * `aws:cdk:path` Metadata when the app writes it (as `cdk synth` does), else by position (CDK
   * writes resources in construct-tree order, checked type by type), else by logical ID.
   */
  public addTemplateResources(
    stack: StackInfo,
    template: TemplateObject,
    constructs: readonly LinkableConstruct[],
    options: { exports: boolean } = { exports: true },
  ): void {
    const resources = Object.entries(isObject(template.Resources) ? template.Resources : {}).filter(
      (entry): entry is [string, TemplateObject] => isObject(entry[1]),
    );
    const constructOf = constructLinker(resources, constructs);
    for (let position = 0; position < resources.length; position++) {
      const [logicalId, entry] = resources[position];
      const linked = constructOf(logicalId, entry, position);
      const path = linked?.path ?? `${stack.path}#${logicalId}`;
      this.addResource(new JsonResource(logicalId, entry, stack, path, linked?.construct));
    }
    if (!options.exports) return;
    const outputs = isObject(template.Outputs) ? template.Outputs : {};
    for (const output of Object.values(outputs)) {
      const exportName = isObject(output) && isObject(output.Export) ? output.Export.Name : undefined;
      if (typeof exportName === 'string') this.addExport(exportName, stack);
    }
  }

  /** Record a stack-level dependency (template scans have no construct tree to read it from). */
  public addDependency(stack: StackInfo, dependsOn: StackInfo): void {
    const list = this.stackDependencies.get(stack) ?? [];
    list.push(dependsOn);
    this.stackDependencies.set(stack, list);
  }

  /** Record a CloudFormation export, so `Fn::ImportValue` can be traced to the exporting stack. */
  public addExport(exportName: string, stack: StackInfo): void {
    this.exports.set(exportName, stack);
  }

  public resourcesOf(stack: StackInfo): readonly TemplateResource[] {
    const load = this.loaders.get(stack);
    if (load && !this.loaded.has(stack)) {
      this.loaded.add(stack);
      load();
    }
    return this.resourcesByStack.get(stack) ?? [];
  }

  /** The resources of one type in one stack (not its nested stacks). */
  public resourcesOfType(stack: StackInfo, ...types: string[]): TemplateResource[] {
    return this.resourcesOf(stack).filter((resource) => types.includes(resource.type));
  }

  /** Stacks deployed with this one (itself and its nested stacks, at any depth). */
  public deploymentUnitStacks(stack: StackInfo): StackInfo[] {
    return this.stacks.filter((candidate) => candidate.deploymentUnit === stack.deploymentUnit);
  }

  /** The resource with this logical ID in the same template, if any. */
  public resourceByLogicalId(stack: StackInfo, logicalId: string): TemplateResource | undefined {
    let byId = this.resourcesByLogicalId.get(stack);
    if (!byId) {
      byId = new Map(this.resourcesOf(stack).map((resource) => [resource.logicalId, resource]));
      this.resourcesByLogicalId.set(stack, byId);
    }
    return byId.get(logicalId);
  }

  /** The resource rendered from, or linked to, a construct. */
  public resourceOfConstruct(construct: CfnResource): TemplateResource | undefined {
    const stackPath = Stack.of(construct).node.path;
    const stack = this.stacks.find((candidate) => candidate.path === stackPath);
    if (!stack) return undefined;
    return this.memo(RESOURCES_BY_CONSTRUCT, stack, () => {
      const byConstruct = new Map<CfnResource, TemplateResource>();
      for (const resource of this.resourcesOf(stack)) {
        if (resource.construct) byConstruct.set(resource.construct, resource);
      }
      return byConstruct;
    }).get(construct);
  }

  /** The resource a `{ Ref }` or `{ 'Fn::GetAtt' }` value points to, in the same template. */
  public referencedResource(from: TemplateResource, value: unknown): TemplateResource | undefined {
    const logicalId = referencedLogicalId(value);
    return logicalId === undefined ? undefined : this.resourceByLogicalId(from.stack, logicalId);
  }

  /** The stacks this stack depends on (references and explicit `addDependency`). */
  public dependenciesOf(stack: StackInfo): readonly StackInfo[] {
    return this.stackDependencies.get(stack) ?? [];
  }

  /** False when no stack of the app exports anything, so no `Fn::ImportValue` can be traced. */
  public get hasExports(): boolean {
    return this.exports.size > 0;
  }

  /** The stack exporting a literal export name, when the app contains it. */
  public exportingStack(exportName: unknown): StackInfo | undefined {
    return typeof exportName === 'string' ? this.exports.get(exportName) : undefined;
  }

  public isMachinery(resource: TemplateResource): boolean {
    let machinery = this.machinery.get(resource);
    if (machinery === undefined) {
      machinery = isCdkMachinery(resource);
      this.machinery.set(resource, machinery);
    }
    return machinery;
  }

  /**
   * The resource that carries a stack's stack-level findings (no browser entry point, a forbidden
   * dependency): the stack's first resource that is not CDK machinery.
   */
  public stackAnchor(stack: StackInfo): TemplateResource | undefined {
    if (!this.anchors.has(stack)) {
      this.anchors.set(
        stack,
        this.resourcesOf(stack).find((resource) => !this.isMachinery(resource)) ?? null,
      );
    }
    return this.anchors.get(stack) ?? undefined;
  }

  /** Record where a deployment unit belongs (see `ApplicationScope`). */
  public setApplicationScope(unit: StackInfo, scope: ApplicationScope): void {
    this.applicationScopes.set(unit, scope);
  }

  /** Where a stack's deployment unit belongs: by default, the app itself with everything in it. */
  public applicationScope(stack: StackInfo): ApplicationScope {
    return this.applicationScopes.get(stack.deploymentUnit) ?? WHOLE_APP;
  }

  /**
   * The deployment units of the stack's application: those with the same `bis:application` name
   * when it has one, else those in its scope (and in the scopes below it, when nested).
   */
  public applicationUnits(stack: StackInfo): StackInfo[] {
    const own = this.applicationScope(stack);
    return this.deploymentUnits.filter((unit) => {
      if (unit === stack.deploymentUnit) return true;
      if (own.name !== undefined) return this.applicationScope(unit).name === own.name;
      const { scope } = this.applicationScope(unit);
      return scope === own.scope || (own.nested && (own.scope === '' || scope.startsWith(`${own.scope}/`)));
    });
  }

  /**
   * Compute a per-stack fact once per run. Rules use it for anything derived from several
   * resources, so that no rule rescans a stack for every resource it checks.
   */
  public memo<T>(key: MemoKey<T>, stack: StackInfo, compute: () => T): T {
    let byStack = this.memos.get(key);
    if (!byStack) {
      byStack = new Map();
      this.memos.set(key, byStack);
    }
    if (!byStack.has(stack)) byStack.set(stack, compute());
    // The one cast: the map holds, under `key`, only values that `compute` of a MemoKey<T> returned.
    return byStack.get(stack) as T;
  }
}

/** An L1 construct of a stack, with its construct path (computed once, during the walk). */
export interface LinkableConstruct {
  readonly construct: CfnResource;
  readonly path: string;
}

/** How template entries find their constructs (and construct paths); see `addTemplateResources`. */
function constructLinker(
  resources: readonly [string, TemplateObject][],
  constructs: readonly LinkableConstruct[],
): (logicalId: string, entry: TemplateObject, position: number) => LinkableConstruct | undefined {
  if (constructs.length === 0) return () => undefined;
  const inOrder =
    resources.length === constructs.length &&
    resources.every(([, entry], i) => entry.Type === constructs[i].construct.cfnResourceType);
  let byPath: Map<string, LinkableConstruct> | undefined;
  let byLogicalId: Map<string, LinkableConstruct> | undefined;
  return (logicalId, entry, position) => {
    const cdkPath = isObject(entry.Metadata) ? entry.Metadata['aws:cdk:path'] : undefined;
    if (typeof cdkPath === 'string') {
      if (inOrder && constructs[position].path === cdkPath) return constructs[position];
      byPath ??= new Map(constructs.map((linkable) => [linkable.path, linkable]));
      const onPath = byPath.get(cdkPath);
      if (onPath !== undefined) return onPath;
    }
    if (inOrder) return constructs[position];
    byLogicalId ??= new Map(
      constructs.map((linkable) => [
        String(Stack.of(linkable.construct).resolve(linkable.construct.logicalId)),
        linkable,
      ]),
    );
    return byLogicalId.get(logicalId);
  };
}

const WHOLE_APP: ApplicationScope = { scope: '', nested: true, description: 'the app' };

/** A CDK stack's application: its `bis:application` tag, else its Stage (with the Stages inside it), else the app. */
function constructApplicationScope(stack: Stack): ApplicationScope {
  const stage = Stage.of(stack);
  const scope: ApplicationScope =
    !stage || stage.node.scope === undefined
      ? WHOLE_APP
      : { scope: stage.node.path, nested: true, description: `Stage ${stage.node.path}` };
  return named(scope, stack.tags.tagValues()[BIS_APPLICATION_TAG]);
}

/** The scope, named by a `bis:application` value when there is one. */
function named(scope: ApplicationScope, name: string | undefined): ApplicationScope {
  return name === undefined ? scope : { ...scope, name, description: `application '${name}'` };
}

/**
 * A template's application: its `bis:application` Metadata (or tag on its resources), else, for a
 * template CDK wrote, its directory with the directories below it (a cloud assembly keeps each
 * Stage in an `assembly-<Stage>` directory inside its parent's), else the template alone.
 */
function templateApplicationScope(path: string, template: unknown): ApplicationScope {
  const body = isObject(template) ? template : {};
  const resources = isObject(body.Resources) ? Object.values(body.Resources).filter(isObject) : [];
  const declared = isObject(body.Metadata) ? literalString(body.Metadata[BIS_APPLICATION_TAG]) : undefined;
  const name =
    declared ??
    resources
      .map((resource) => literalString(tagValue(propertiesOf(resource).Tags, BIS_APPLICATION_TAG)))
      .find((value) => value !== undefined);
  const file = path.replace(/\\/g, '/');
  if (!writtenByCdk(body, resources))
    return named({ scope: file, nested: false, description: `template ${file}` }, name);
  // Templates at the root of the scan hold the directories below them: '' is every scope.
  const directory = file.includes('/') ? file.slice(0, file.lastIndexOf('/')) : '';
  return named(
    {
      scope: directory,
      nested: true,
      description: `the CDK templates in ${directory === '' ? '.' : directory}`,
    },
    name,
  );
}

function propertiesOf(resource: TemplateObject): TemplateObject {
  return isObject(resource.Properties) ? resource.Properties : {};
}

/** CDK's marks on a template: the bootstrap version parameter, CDKMetadata, or construct paths. */
function writtenByCdk(template: TemplateObject, resources: readonly TemplateObject[]): boolean {
  if (isObject(template.Parameters) && template.Parameters.BootstrapVersion !== undefined) return true;
  return resources.some(
    (resource) =>
      resource.Type === 'AWS::CDK::Metadata' ||
      (isObject(resource.Metadata) && typeof resource.Metadata['aws:cdk:path'] === 'string'),
  );
}

/** A template to index without a construct tree (scans, tests of SAM and plain CloudFormation). */
export interface IndexedTemplate {
  /** The file path, used as the stack path and in resource paths (`<path>#<logicalId>`). */
  readonly path: string;
  /** @default - the role of the template it deploys with, else `application` */
  readonly role?: BisRoleName;
  readonly template: unknown;
  /** @default - the file name without extension */
  readonly stackName?: string;
  /**
   * The `path` of the template that deploys this one as a nested stack: they are then one
   * deployment unit, and this one takes its role unless it declares its own.
   *
   * @default - a deployment unit of its own
   */
  readonly deploysWith?: string;
}

/**
 * The name findings give a stack. A nested stack's own name is a token that CloudFormation fills at
 * deploy time with `<parent name>-<logical ID of its stack resource>-<random suffix>`: its known part is
 * what a user finds it by in the console.
 */
function stackNameOf(stack: Stack, parent: StackInfo | undefined): string {
  const resource = NestedStack.isNestedStack(stack) ? stack.nestedStackResource : undefined;
  if (parent === undefined || resource === undefined) return stack.stackName;
  return `${parent.stackName}-${String(resource.stack.resolve(resource.logicalId))}`;
}

/** The stack record of each template, in order: its role, and its deployment unit when it deploys with another. */
export function templateStacks(templates: readonly IndexedTemplate[]): StackInfo[] {
  const byPath = new Map(templates.map((template) => [template.path, template]));
  const stacks = new Map<IndexedTemplate, StackInfo>();
  const stackOf = (template: IndexedTemplate, depth: number): StackInfo => {
    let stack = stacks.get(template);
    if (stack) return stack;
    const parentTemplate = template.deploysWith === undefined ? undefined : byPath.get(template.deploysWith);
    // A cycle of nested stacks cannot deploy; cut it rather than recurse forever.
    const parent =
      parentTemplate && parentTemplate !== template && depth < templates.length
        ? stackOf(parentTemplate, depth + 1)
        : undefined;
    stack = stackInfo(
      {
        path: template.path,
        role: template.role ?? parent?.role ?? DEFAULT_BIS_ROLE,
        stackName: template.stackName ?? template.path.replace(/^.*[\\/]/, '').replace(/\..*$/, ''),
      },
      parent,
    );
    stacks.set(template, stack);
    return stack;
  };
  return templates.map((template) => stackOf(template, 0));
}

/** Index plain template JSON: one stack per template, resources in template order, exports from Outputs. */
export function indexTemplates(
  templates: readonly IndexedTemplate[],
  settings = DEFAULT_INDEX_SETTINGS,
): AppIndex {
  const index = new AppIndex(settings);
  const stacks = templateStacks(templates);
  templates.forEach((template, position) => {
    index.addStack(stacks[position]);
    if (stacks[position].deploymentUnit === stacks[position]) {
      index.setApplicationScope(stacks[position], templateApplicationScope(template.path, template.template));
    }
    index.addTemplateResources(stacks[position], isObject(template.template) ? template.template : {}, []);
  });
  return index;
}
