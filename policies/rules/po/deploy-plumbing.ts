import type { AppIndex } from '../../engine/app-index';
import { MemoKey } from '../../engine/app-index';
import type { StackInfo, TemplateResource } from '../../engine/template-resource';
import { isObject, literalString, referencedLogicalIds, valueAt } from '../../engine/template-values';

const FUNCTION_TYPES: readonly string[] = ['AWS::Lambda::Function', 'AWS::Serverless::Function'];

/** Resources that only support a function (its permissions, versions, logs): they make it no one's handler. */
const SUPPORTING_TYPES: ReadonlySet<string> = new Set([
  'AWS::IAM::Policy',
  'AWS::IAM::Role',
  'AWS::IAM::ManagedPolicy',
  'AWS::Lambda::Version',
  'AWS::Logs::LogGroup',
]);

/** The SDK calls of an `AwsCustomResource`, one JSON document per lifecycle event. */
const SDK_CALL_PROPERTIES: readonly string[] = ['Create', 'Update', 'Delete'];

/** Per stack, the logical IDs of functions used only by the deployment or the delivery pipeline. */
const DEPLOY_PLUMBING = new MemoKey<ReadonlySet<string>>('functions used only by deployment plumbing');

/**
 * True for a function whose only callers are the deployment and its pipeline: it is the
 * ServiceToken of an `AWS::CloudFormation::CustomResource` or `Custom::*` resource (directly or as
 * the onEvent/isComplete handler of a custom-resources Provider, whose framework function names it in
 * its environment), the function an `AwsCustomResource` (`Custom::AWS`) invokes with a Lambda
 * `invoke` call, the handler of a `triggers.Trigger` (`Custom::Trigger` `HandlerArn`, usually its
 * current version), or the function of a CodePipeline Lambda invoke action; and nothing else (an API,
 * an event source, a permission, a SAM event, another property) uses it.
 */
export function servesOnlyDeployPlumbing(fn: TemplateResource, index: AppIndex): boolean {
  return index.memo(DEPLOY_PLUMBING, fn.stack, () => deployPlumbing(fn.stack, index)).has(fn.logicalId);
}

/** How one resource uses functions: as deployment plumbing, or otherwise (given as values to read refs from). */
interface FunctionUses {
  readonly plumbing: unknown[];
  readonly other: unknown[];
}

function deployPlumbing(stack: StackInfo, index: AppIndex): ReadonlySet<string> {
  const resources = index.resourcesOf(stack);
  // A Trigger names its handler's version: a use of the version is a use of the function.
  const functionOfVersion = new Map<string, string>();
  for (const resource of resources) {
    if (resource.type !== 'AWS::Lambda::Version') continue;
    const [target] = referencedLogicalIds(resource.properties.FunctionName);
    if (target !== undefined) functionOfVersion.set(resource.logicalId, target);
  }
  const add = (into: Set<string>, value: unknown) => {
    for (const logicalId of referencedLogicalIds(value))
      into.add(functionOfVersion.get(logicalId) ?? logicalId);
  };
  const plumbing = new Set<string>();
  const uses = new Map<TemplateResource, FunctionUses>();
  for (const resource of resources) {
    const resourceUses = plumbingUses(resource, index);
    if (resourceUses === undefined) continue;
    uses.set(resource, resourceUses);
    for (const value of resourceUses.plumbing) add(plumbing, value);
  }
  // Most stacks have no plumbing caller: then no other use need be read (reading every property is the cost).
  if (plumbing.size === 0) return plumbing;
  const otherUses = new Set<string>();
  for (const resource of resources) {
    const resourceUses = uses.get(resource);
    if (resourceUses !== undefined) {
      for (const value of resourceUses.other) add(otherUses, value);
    } else if (!index.isMachinery(resource) && !SUPPORTING_TYPES.has(resource.type)) {
      add(otherUses, resource.properties);
    }
    // A SAM function's Events are callers of the function itself.
    if (resource.type === 'AWS::Serverless::Function' && hasEntries(resource.properties.Events)) {
      otherUses.add(resource.logicalId);
    }
  }
  return new Set([...plumbing].filter((logicalId) => !otherUses.has(logicalId)));
}

/** The parts of a resource that call functions as plumbing, and the rest; undefined for any other resource. */
function plumbingUses(resource: TemplateResource, index: AppIndex): FunctionUses | undefined {
  const props = resource.properties;
  if (isCustomResource(resource.type)) {
    const plumbing: unknown[] = [props.ServiceToken];
    const other: unknown[] = [];
    for (const [key, value] of Object.entries(props)) {
      if (key === 'ServiceToken') continue;
      if (resource.type === 'Custom::Trigger' && key === 'HandlerArn') plumbing.push(value);
      else if (resource.type === 'Custom::AWS' && SDK_CALL_PROPERTIES.includes(key)) {
        const invoke = lambdaInvoke(value);
        if (invoke === undefined) {
          other.push(value);
        } else {
          plumbing.push(invoke.functionName);
          other.push(invoke.rest);
        }
      } else other.push(value);
    }
    return { plumbing, other };
  }
  if (index.isMachinery(resource) && FUNCTION_TYPES.includes(resource.type)) {
    // The Provider framework's functions name the user's handlers in their environment.
    return { plumbing: [props.Environment], other: [] };
  }
  if (resource.type === 'AWS::CodePipeline::Pipeline') return pipelineUses(props);
  return undefined;
}

/** A pipeline's Lambda invoke actions call their function from CI; everything else in it is another use. */
function pipelineUses(props: TemplateResource['properties']): FunctionUses {
  const plumbing: unknown[] = [];
  const other: unknown[] = [];
  for (const [key, value] of Object.entries(props)) {
    if (key !== 'Stages' || !Array.isArray(value)) {
      other.push(value);
      continue;
    }
    for (const stage of value) {
      const actions = valueAt(stage, 'Actions');
      if (!Array.isArray(actions)) {
        other.push(stage);
        continue;
      }
      for (const action of actions) {
        const isLambdaInvoke = literalString(valueAt(action, 'ActionTypeId', 'Provider')) === 'Lambda';
        const configuration = valueAt(action, 'Configuration');
        if (!isLambdaInvoke || !isObject(configuration)) {
          other.push(action);
          continue;
        }
        const { FunctionName: functionName, ...rest } = configuration;
        plumbing.push(functionName);
        const { Configuration: _configuration, ...actionRest } = isObject(action) ? action : {};
        other.push(rest, actionRest);
      }
    }
  }
  return { plumbing, other };
}

/**
 * The tokens of the `FunctionName` parameter of an `AwsCustomResource` SDK call that is a Lambda
 * invoke, and its other tokens; undefined for any other call. CDK writes the call as JSON, a `Fn::Join` when it holds tokens: the
 * tokens are put back as placeholders so the JSON can be parsed.
 */
function lambdaInvoke(call: unknown): { functionName: unknown[]; rest: unknown[] } | undefined {
  const tokens: unknown[] = [];
  let json: string;
  if (typeof call === 'string') json = call;
  else {
    const join = valueAt(call, 'Fn::Join');
    if (!Array.isArray(join) || join[0] !== '' || !Array.isArray(join[1])) return undefined;
    json = join[1]
      .map((part) => {
        if (typeof part === 'string') return part;
        tokens.push(part);
        return `@@token${tokens.length - 1}@@`;
      })
      .join('');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    // Not JSON once the tokens are placeholders (a token outside a string): read as another use.
    return undefined;
  }
  const service = literalString(valueAt(parsed, 'service'))
    ?.toLowerCase()
    .replace(/^@aws-sdk\/client-/, '');
  const action = literalString(valueAt(parsed, 'action'))
    ?.toLowerCase()
    .replace(/command$/, '');
  if (service !== 'lambda' || (action !== 'invoke' && action !== 'invokeasync')) return undefined;
  const functionName = literalString(valueAt(parsed, 'parameters', 'FunctionName'));
  if (functionName === undefined) return undefined;
  const named = new Set([...functionName.matchAll(/@@token(\d+)@@/g)].map((match) => Number(match[1])));
  return {
    functionName: tokens.filter((_token, i) => named.has(i)),
    rest: tokens.filter((_token, i) => !named.has(i)),
  };
}

function hasEntries(value: unknown): boolean {
  return isObject(value) && Object.keys(value).length > 0;
}

function isCustomResource(type: string): boolean {
  return type === 'AWS::CloudFormation::CustomResource' || type.startsWith('Custom::');
}
