import type { AppIndex } from '../../engine/app-index';
import { MemoKey } from '../../engine/app-index';
import type { StackInfo, TemplateResource } from '../../engine/template-resource';
import { isObject, referencedLogicalIds } from '../../engine/template-values';

const FUNCTION_TYPES: readonly string[] = ['AWS::Lambda::Function', 'AWS::Serverless::Function'];

/** Resources that only support a function (its permissions, versions, logs): they make it no one's handler. */
const SUPPORTING_TYPES: ReadonlySet<string> = new Set([
  'AWS::IAM::Policy',
  'AWS::IAM::Role',
  'AWS::IAM::ManagedPolicy',
  'AWS::Lambda::Version',
  'AWS::Logs::LogGroup',
]);

/** Per stack, the logical IDs of functions used only to serve CloudFormation custom resources. */
const DEPLOY_PLUMBING = new MemoKey<ReadonlySet<string>>('functions that only serve custom resources');

/**
 * True for a function whose only callers are CloudFormation custom resources: it is the
 * ServiceToken of an `AWS::CloudFormation::CustomResource` or `Custom::*` resource, directly or as
 * the onEvent/isComplete handler of a custom-resources Provider (whose framework function names it
 * in its environment), and nothing else (an API, an event source, a permission, a SAM event)
 * invokes it.
 */
export function servesOnlyCustomResources(fn: TemplateResource, index: AppIndex): boolean {
  return index.memo(DEPLOY_PLUMBING, fn.stack, () => deployPlumbing(fn.stack, index)).has(fn.logicalId);
}

function deployPlumbing(stack: StackInfo, index: AppIndex): ReadonlySet<string> {
  const serviceTokens = new Set<string>();
  const otherUses = new Set<string>();
  const add = (into: Set<string>, value: unknown) => {
    for (const logicalId of referencedLogicalIds(value)) into.add(logicalId);
  };
  for (const resource of index.resourcesOf(stack)) {
    if (isCustomResource(resource.type)) {
      add(serviceTokens, resource.properties.ServiceToken);
    } else if (index.isMachinery(resource) && FUNCTION_TYPES.includes(resource.type)) {
      // The Provider framework's functions name the user's handlers in their environment.
      add(serviceTokens, resource.properties.Environment);
    }
  }
  // Most stacks have no custom resource: then no other use need be read (reading every property is the cost).
  if (serviceTokens.size === 0) return serviceTokens;
  for (const resource of index.resourcesOf(stack)) {
    if (isCustomResource(resource.type)) {
      const { ServiceToken: _serviceToken, ...rest } = resource.properties;
      add(otherUses, rest);
    } else if (!index.isMachinery(resource) && !SUPPORTING_TYPES.has(resource.type)) {
      add(otherUses, resource.properties);
    }
    // A SAM function's Events are callers of the function itself.
    if (resource.type === 'AWS::Serverless::Function' && hasEntries(resource.properties.Events)) {
      otherUses.add(resource.logicalId);
    }
  }
  return new Set([...serviceTokens].filter((logicalId) => !otherUses.has(logicalId)));
}

function hasEntries(value: unknown): boolean {
  return isObject(value) && Object.keys(value).length > 0;
}

function isCustomResource(type: string): boolean {
  return type === 'AWS::CloudFormation::CustomResource' || type.startsWith('Custom::');
}
