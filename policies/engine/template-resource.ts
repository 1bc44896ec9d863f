import type { CfnResource } from 'aws-cdk-lib';
import type { BisRoleName } from '../../lib/roles';
import {
  constructProperties,
  entryAttributes,
  logicalIdOf,
  type EntryAttributes,
} from './construct-rendering';
import type { StackResolver } from './stack-resolver';
import { isObject, literalString, type TemplateObject } from './template-values';

/** One stack (or nested stack, or scanned template) as rules see it. */
export interface StackInfo {
  /** Construct path of the stack (for a scanned template: the file path). */
  readonly path: string;
  readonly role: BisRoleName;
  /** The CloudFormation stack name, when known. Cross-stack export names are prefixed with it. */
  readonly stackName: string;
  /** The top-level stack a nested stack deploys with; itself for a top-level stack. */
  readonly deploymentUnit: StackInfo;
}

/**
 * A stack record: a nested stack (one with a `parent`) deploys in its parent's unit; a top-level
 * stack, or a scanned template of its own, is its own unit.
 */
export function stackInfo(
  fields: Pick<StackInfo, 'path' | 'role' | 'stackName'>,
  parent?: StackInfo,
): StackInfo {
  return new StackRecord(fields.path, fields.role, fields.stackName, parent);
}

class StackRecord implements StackInfo {
  public readonly deploymentUnit: StackInfo;

  constructor(
    public readonly path: string,
    public readonly role: BisRoleName,
    public readonly stackName: string,
    parent: StackInfo | undefined,
  ) {
    this.deploymentUnit = parent?.deploymentUnit ?? this;
  }
}

/**
 * One resource in the shape of its synthesized template entry, whatever its origin: a CDK
 * construct (rendered lazily, overrides included) or a template file. Rules read only this.
 */
export interface TemplateResource {
  readonly logicalId: string;
  readonly type: string;
  /** Resolved properties; unresolvable values appear as intrinsic objects (`{ Ref }`, `{ 'Fn::GetAtt' }`...). */
  readonly properties: TemplateObject;
  readonly deletionPolicy?: string;
  readonly updateReplacePolicy?: string;
  readonly metadata: TemplateObject;
  /** The name of the CloudFormation Condition the resource is created under, if any. */
  readonly condition?: string;
  readonly stack: StackInfo;
  /** Construct path for CDK resources; `<template>#<logicalId>` for scanned templates. */
  readonly path: string;
  /** The L1 construct, when the resource comes from a CDK app (acknowledgements live on it). */
  readonly construct?: CfnResource;
}

/**
 * A CDK L1 resource seen as its template entry. Nothing is resolved until a rule reads it, and then
 * only what it reads (see construct-rendering.ts): resolving is the dominant cost of a run before synth.
 */
export class ConstructResource implements TemplateResource {
  public readonly type: string;
  public readonly path: string;
  private renderedProperties?: TemplateObject;
  private attributes?: EntryAttributes;
  private renderedLogicalId?: string;

  constructor(
    public readonly construct: CfnResource,
    public readonly stack: StackInfo,
    /** The run's resolver for the construct's stack, shared by its resources. */
    private readonly resolver: StackResolver,
    /** The construct path, when the caller already knows it. */
    path?: string,
  ) {
    this.type = construct.cfnResourceType;
    this.path = path ?? construct.node.path;
  }

  public get logicalId(): string {
    this.renderedLogicalId ??= logicalIdOf(this.construct, this.resolver);
    return this.renderedLogicalId;
  }

  /** The logical ID if a rule already asked for it. */
  public get knownLogicalId(): string | undefined {
    return this.renderedLogicalId;
  }

  public get properties(): TemplateObject {
    this.renderedProperties ??= constructProperties(this.construct, this.resolver);
    return this.renderedProperties;
  }

  public get deletionPolicy(): string | undefined {
    return this.entry().deletionPolicy;
  }

  public get updateReplacePolicy(): string | undefined {
    return this.entry().updateReplacePolicy;
  }

  public get metadata(): TemplateObject {
    return this.entry().metadata;
  }

  public get condition(): string | undefined {
    return this.entry().condition;
  }

  private entry(): EntryAttributes {
    this.attributes ??= entryAttributes(this.construct, this.resolver);
    return this.attributes;
  }
}

/** The fields of a resource a finding keeps, without its properties (findings outlive their unit's resources). */
export type ResourceCopy = Pick<
  TemplateResource,
  'logicalId' | 'type' | 'path' | 'stack' | 'metadata' | 'construct'
>;

/**
 * A light copy of a resource, for a finding. A construct's logical ID and Metadata are read when
 * first asked (reports from `evaluate`), not for every finding: CDK's report, which a synth and
 * `validateScope` produce, names resources by construct path, and a logical ID is an MD5 of one.
 * They are own, enumerable getters, so a spread or `JSON.stringify` of the copy still holds them.
 */
export function lightCopy(resource: TemplateResource): ResourceCopy {
  const { type, path, stack, construct } = resource;
  if (!(resource instanceof ConstructResource)) {
    const { logicalId, metadata } = resource;
    return { logicalId, type, path, stack, construct, metadata };
  }
  const l1 = resource.construct;
  let logicalId = resource.knownLogicalId;
  let metadata: TemplateObject | undefined;
  return Object.defineProperties(
    { type, path, stack, construct: l1 },
    {
      logicalId: { enumerable: true, get: () => (logicalId ??= logicalIdOf(l1)) },
      metadata: { enumerable: true, get: () => (metadata ??= entryAttributes(l1).metadata) },
    },
  ) as ResourceCopy;
}

/** A resource read from template JSON: a synthesized template of a CDK app, or a scanned file. */
export class JsonResource implements TemplateResource {
  public readonly type: string;
  public readonly properties: TemplateObject;
  public readonly metadata: TemplateObject;
  public readonly deletionPolicy?: string;
  public readonly updateReplacePolicy?: string;
  public readonly condition?: string;

  constructor(
    public readonly logicalId: string,
    entry: TemplateObject,
    public readonly stack: StackInfo,
    public readonly path: string,
    public readonly construct?: CfnResource,
  ) {
    this.type = typeof entry.Type === 'string' ? entry.Type : '';
    this.properties = isObject(entry.Properties) ? entry.Properties : {};
    this.metadata = isObject(entry.Metadata) ? entry.Metadata : {};
    this.deletionPolicy = literalString(entry.DeletionPolicy);
    this.updateReplacePolicy = literalString(entry.UpdateReplacePolicy);
    this.condition = literalString(entry.Condition);
  }
}
