import { readdirSync, readFileSync } from 'fs';
import { basename, dirname, join, resolve } from 'path';
import { isObject } from '../engine/template-values';
import { resourceLinesOfJson } from '../template-text';
import { relativeToRoot } from './locations';
import type { FileLocation } from './model';

interface TemplateEntry {
  /** Absolute. */
  readonly path: string;
  /** Relative to the root, for reports. */
  readonly file: string;
  /** The stack's construct path, once known from the manifest or the parent stack. */
  stack?: string;
  readonly resources: Map<string, TemplateResourceEntry>;
}

interface TemplateResourceEntry {
  readonly logicalId: string;
  /** From the resource's `aws:cdk:path` Metadata, when the synth wrote it. */
  readonly constructPath?: string;
  readonly type?: string;
  readonly line: number;
  readonly template: TemplateEntry;
}

/** A resource of the assembly's templates, with the stack that deploys it. */
export interface AssemblyResource {
  readonly stack: string;
  readonly logicalId: string;
  readonly constructPath?: string;
  readonly template: FileLocation;
}

export interface Located {
  readonly stack: string;
  readonly logicalId?: string;
  readonly resourceType?: string;
  readonly template?: FileLocation;
}

interface TreeNode {
  readonly path?: string;
  readonly children?: Record<string, TreeNode>;
  readonly attributes?: Record<string, unknown>;
  readonly constructInfo?: { readonly fqn?: string };
}

const STACK_FQNS = new Set(['aws-cdk-lib.Stack', 'aws-cdk-lib.NestedStack']);
/** The metadata entry CDK records a construct's creation stack trace in. */
const CREATION_STACK = 'aws:cdk:creationStack';
const LOGICAL_ID_ATTRIBUTE = 'aws:cdk:cloudformation:logicalId';
const TYPE_ATTRIBUTE = 'aws:cdk:cloudformation:type';
/** A nested stack's resource in its parent: `<stack>.NestedStack/<id>.NestedStackResource`. */
const NESTED_STACK_RESOURCE_PATH = /^(.*)\.NestedStack\/[^/]+\.NestedStackResource$/;
/** The file asset a nested stack's TemplateURL names: `.../<sha256>.json`. */
const TEMPLATE_ASSET_HASH = /([0-9a-f]{64})\.json/;

/**
 * Where each construct's resource is in the synthesized templates of a cloud assembly and of the
 * assemblies nested in it (Stages). Every `*.template.json` is read, so nested-stack templates are
 * covered too; each is parsed once, on the first question. Construct paths come from the
 * templates' `aws:cdk:path` Metadata, which the CDK CLI turns on; without it (a synth in-process,
 * `--no-path-metadata`), from tree.json.
 */
export class CloudAssemblyLocations {
  private indexed = false;
  private readonly templates = new Map<string, TemplateEntry>();
  private readonly byConstructPath = new Map<string, TemplateResourceEntry>();
  private readonly stackTemplates = new Map<string, TemplateEntry>();
  /** Asset hash → template file, from the assemblies' `*.assets.json`: how a TemplateURL names a nested template. */
  private readonly templateAssets = new Map<string, string>();
  /** Known stack paths, longest first, for prefix matching. */
  private stackPaths: string[] = [];
  private treeFile?: string;
  /** The stacks' metadata (`additionalMetadataFile`, or inline in the manifest): where each construct was created. */
  private readonly metadataSources: (string | Record<string, unknown>)[] = [];
  private creationStacks?: Map<string, string>;
  private tree?: TreeNode | null;

  constructor(
    private readonly cdkOutDir: string,
    private readonly root: string,
  ) {}

  public locate(
    constructPath: string,
    cloudFormationResource?: { readonly templatePath: string; readonly logicalId: string },
  ): Located {
    this.index();
    const resource =
      this.byConstructPath.get(constructPath) ??
      // An L2 construct stands for its default child, `<path>/Resource`.
      this.byConstructPath.get(`${constructPath}/Resource`) ??
      this.fromReportedResource(cloudFormationResource);
    if (resource) return this.located(resource, this.stackPathOf(constructPath));
    const fromTree = this.fromTree(constructPath);
    if (fromTree) return fromTree;
    const stack = this.stackPathOf(constructPath);
    const template = this.stackTemplates.get(stack);
    return { stack, ...(template ? { template: { file: template.file, line: 1 } } : {}) };
  }

  /** Every stack of the assembly, nested stacks and Stage stacks included, in path order. */
  public stacks(): string[] {
    this.linkEveryTemplate();
    return [...this.stackTemplates.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** Every resource of `type` in the templates of a stack of the assembly. */
  public resourcesOfType(type: string): AssemblyResource[] {
    this.linkEveryTemplate();
    const found: AssemblyResource[] = [];
    for (const template of this.templates.values()) {
      if (template.stack === undefined) continue;
      for (const resource of template.resources.values()) {
        if (resource.type !== type) continue;
        found.push({
          stack: template.stack,
          logicalId: resource.logicalId,
          ...(resource.constructPath !== undefined ? { constructPath: resource.constructPath } : {}),
          template: { file: template.file, line: resource.line },
        });
      }
    }
    return found;
  }

  /**
   * The creation stack traces CDK recorded for the ancestors of `constructPath`, nearest first: for
   * each ancestor its own trace and its default child's (`<path>/Resource`), since CDK records
   * traces on L1 resources and stacks only.
   */
  public ancestorCreationTraces(constructPath: string): string[] {
    const traces = this.readCreationStacks();
    const found: string[] = [];
    const parts = constructPath.split('/');
    for (let length = parts.length - 1; length > 0; length--) {
      const ancestor = parts.slice(0, length).join('/');
      for (const path of [`${ancestor}/Resource`, ancestor]) {
        const trace = traces.get(path);
        if (trace !== undefined && path !== constructPath) found.push(trace);
      }
    }
    return found;
  }

  private readCreationStacks(): Map<string, string> {
    if (this.creationStacks) return this.creationStacks;
    this.index();
    this.creationStacks = new Map();
    for (const source of this.metadataSources) {
      const metadata = typeof source === 'string' ? readJson(source) : source;
      if (!isObject(metadata)) continue;
      for (const [path, entries] of Object.entries(metadata)) {
        if (!Array.isArray(entries)) continue;
        for (const entry of entries) {
          if (isObject(entry) && entry.type === CREATION_STACK && Array.isArray(entry.data)) {
            this.creationStacks.set(
              path.replace(/^\//, ''),
              entry.data.filter((line) => typeof line === 'string').join('\n'),
            );
          }
        }
      }
    }
    return this.creationStacks;
  }

  /** Nested templates are linked to their stacks through path metadata, else through tree.json. */
  private linkEveryTemplate(): void {
    this.index();
    if ([...this.templates.values()].some((template) => template.stack === undefined)) this.readTree();
  }

  private located(resource: TemplateResourceEntry, stack: string): Located {
    return {
      stack: resource.template.stack ?? stack,
      logicalId: resource.logicalId,
      ...(resource.type !== undefined ? { resourceType: resource.type } : {}),
      template: { file: resource.template.file, line: resource.line },
    };
  }

  private fromReportedResource(
    reported: { readonly templatePath: string; readonly logicalId: string } | undefined,
  ): TemplateResourceEntry | undefined {
    if (!reported) return undefined;
    const direct = this.templates.get(resolve(this.cdkOutDir, reported.templatePath));
    if (direct) return direct.resources.get(reported.logicalId);
    // The path is relative to the assembly that holds the stack, which may be a nested one.
    for (const template of this.templates.values()) {
      if (basename(template.path) === basename(reported.templatePath)) {
        const resource = template.resources.get(reported.logicalId);
        if (resource) return resource;
      }
    }
    return undefined;
  }

  /** tree.json names each resource's logical ID and type, and its stack is its closest stack ancestor. */
  private fromTree(constructPath: string): Located | undefined {
    const tree = this.readTree();
    if (!tree) return undefined;
    const parts = constructPath.split('/');
    let node: TreeNode | undefined = tree;
    let stack: string | undefined;
    for (const [i, part] of parts.entries()) {
      node = node?.children?.[part];
      if (!node) return undefined;
      if (STACK_FQNS.has(node.constructInfo?.fqn ?? '')) stack = parts.slice(0, i + 1).join('/');
    }
    const resourceNode =
      node?.attributes?.[LOGICAL_ID_ATTRIBUTE] !== undefined ? node : node?.children?.Resource;
    const logicalId = resourceNode?.attributes?.[LOGICAL_ID_ATTRIBUTE];
    const type = resourceNode?.attributes?.[TYPE_ATTRIBUTE];
    stack ??= this.stackPathOf(constructPath);
    const template = this.stackTemplates.get(stack);
    const inTemplate = typeof logicalId === 'string' ? template?.resources.get(logicalId) : undefined;
    if (inTemplate) return this.located(inTemplate, stack);
    return {
      stack,
      ...(typeof logicalId === 'string' ? { logicalId } : {}),
      ...(typeof type === 'string' ? { resourceType: type } : {}),
      ...(template ? { template: { file: template.file, line: 1 } } : {}),
    };
  }

  /** The construct path of the closest known stack that holds `constructPath`. */
  private stackPathOf(constructPath: string): string {
    for (const stack of this.stackPaths) {
      if (constructPath === stack || constructPath.startsWith(`${stack}/`)) return stack;
    }
    return constructPath.split('/')[0];
  }

  private readTree(): TreeNode | null {
    if (this.tree === undefined) {
      this.tree = null;
      const json = readJson(this.treeFile ?? join(this.cdkOutDir, 'tree.json'));
      if (isObject(json) && isObject(json.tree)) {
        this.tree = json.tree as TreeNode;
        this.linkNestedStacksOfTree(this.tree);
      }
    }
    return this.tree;
  }

  private linkNestedStacksOfTree(root: TreeNode): void {
    const pending: TreeNode[] = [root];
    for (let node = pending.pop(); node; node = pending.pop()) {
      if (node.attributes?.[TYPE_ATTRIBUTE] === 'AWS::CloudFormation::Stack' && node.path !== undefined) {
        const props = node.attributes['aws:cdk:cloudformation:props'];
        this.linkNestedStack(node.path, isObject(props) ? props.templateUrl : undefined);
      }
      pending.push(...Object.values(node.children ?? {}));
    }
    this.sortStackPaths();
  }

  /** Record the nested stack whose resource in its parent is at `resourcePath`, and its template. */
  private linkNestedStack(resourcePath: string, templateUrl: unknown, assetPath?: string): void {
    const stack = NESTED_STACK_RESOURCE_PATH.exec(resourcePath)?.[1];
    if (stack === undefined || this.stackTemplates.has(stack)) return;
    const hash = TEMPLATE_ASSET_HASH.exec(JSON.stringify(templateUrl ?? ''))?.[1];
    const file = assetPath ?? (hash !== undefined ? this.templateAssets.get(hash) : undefined);
    const template = file !== undefined ? this.templates.get(file) : undefined;
    if (!template) return;
    template.stack = stack;
    this.stackTemplates.set(stack, template);
  }

  private sortStackPaths(): void {
    this.stackPaths = [...this.stackTemplates.keys()].sort((a, b) => b.length - a.length);
  }

  private index(): void {
    if (this.indexed) return;
    this.indexed = true;
    const stacks: { path: string; template: string }[] = [];
    const nestedStacks: { resourcePath: string; templateUrl: unknown; assetPath?: string }[] = [];
    this.walkAssembly(this.cdkOutDir, stacks, nestedStacks, new Set());
    for (const { path, template } of stacks) {
      const entry = this.templates.get(template);
      if (entry) {
        entry.stack = path;
        this.stackTemplates.set(path, entry);
      }
    }
    for (const nested of nestedStacks)
      this.linkNestedStack(nested.resourcePath, nested.templateUrl, nested.assetPath);
    this.sortStackPaths();
  }

  private walkAssembly(
    dir: string,
    stacks: { path: string; template: string }[],
    nestedStacks: { resourcePath: string; templateUrl: unknown; assetPath?: string }[],
    seen: Set<string>,
  ): void {
    if (seen.has(dir)) return;
    seen.add(dir);
    const manifest = readJson(join(dir, 'manifest.json'));
    const artifacts = isObject(manifest) && isObject(manifest.artifacts) ? manifest.artifacts : {};
    for (const [id, artifact] of Object.entries(artifacts)) {
      if (!isObject(artifact) || !isObject(artifact.properties)) continue;
      const properties = artifact.properties;
      if (artifact.type === 'aws:cloudformation:stack' && typeof properties.templateFile === 'string') {
        // CDK writes a stack's construct path as its display name.
        const path = typeof artifact.displayName === 'string' ? artifact.displayName : id;
        stacks.push({ path, template: resolve(dir, properties.templateFile) });
        if (typeof artifact.additionalMetadataFile === 'string') {
          this.metadataSources.push(resolve(dir, artifact.additionalMetadataFile));
        } else if (isObject(artifact.metadata)) {
          this.metadataSources.push(artifact.metadata);
        }
      } else if (artifact.type === 'cdk:cloud-assembly' && typeof properties.directoryName === 'string') {
        this.walkAssembly(resolve(dir, properties.directoryName), stacks, nestedStacks, seen);
      } else if (
        artifact.type === 'cdk:tree' &&
        typeof properties.file === 'string' &&
        dir === this.cdkOutDir
      ) {
        this.treeFile = resolve(dir, properties.file);
      }
    }
    let names: string[] = [];
    try {
      names = readdirSync(dir).sort();
    } catch {
      // An unreadable directory only costs template lines, never the report.
    }
    for (const name of names) {
      if (name.endsWith('.assets.json')) this.readTemplateAssets(dir, name);
      else if (name.endsWith('.template.json')) this.readTemplate(join(dir, name), nestedStacks);
    }
  }

  private readTemplateAssets(dir: string, name: string): void {
    const manifest = readJson(join(dir, name));
    const files = isObject(manifest) && isObject(manifest.files) ? manifest.files : {};
    for (const [hash, asset] of Object.entries(files)) {
      const source = isObject(asset) && isObject(asset.source) ? asset.source.path : undefined;
      if (typeof source === 'string' && source.endsWith('.template.json')) {
        this.templateAssets.set(hash, resolve(dir, source));
      }
    }
  }

  private readTemplate(
    path: string,
    nestedStacks: { resourcePath: string; templateUrl: unknown; assetPath?: string }[],
  ): void {
    let text: string;
    let template: unknown;
    try {
      text = readFileSync(path, 'utf8');
      template = JSON.parse(text);
    } catch {
      return;
    }
    const resources = isObject(template) && isObject(template.Resources) ? template.Resources : {};
    const lines = resourceLinesOfJson(text);
    const entry: TemplateEntry = { path, file: relativeToRoot(this.root, path), resources: new Map() };
    for (const [logicalId, resource] of Object.entries(resources)) {
      if (!isObject(resource)) continue;
      const metadata = isObject(resource.Metadata) ? resource.Metadata : {};
      const constructPath = metadata['aws:cdk:path'];
      const located: TemplateResourceEntry = {
        logicalId,
        ...(typeof constructPath === 'string' ? { constructPath } : {}),
        line: lines.get(logicalId) ?? 1,
        template: entry,
        ...(typeof resource.Type === 'string' ? { type: resource.Type } : {}),
      };
      entry.resources.set(logicalId, located);
      if (typeof constructPath !== 'string') continue;
      this.byConstructPath.set(constructPath, located);
      if (resource.Type === 'AWS::CloudFormation::Stack') {
        const assetPath = metadata['aws:asset:path'];
        nestedStacks.push({
          resourcePath: constructPath,
          templateUrl: isObject(resource.Properties) ? resource.Properties.TemplateURL : undefined,
          ...(typeof assetPath === 'string' ? { assetPath: resolve(dirname(path), assetPath) } : {}),
        });
      }
    }
    this.templates.set(path, entry);
  }
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}
