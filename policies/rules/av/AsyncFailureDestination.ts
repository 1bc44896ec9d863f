import { MemoKey, type AppIndex } from '../../engine/app-index';
import { type StackInfo, type TemplateResource } from '../../engine/template-resource';
import {
  isObject,
  listAt,
  literalString,
  presenceAt,
  referencedLogicalIds,
  valueAt,
} from '../../engine/template-values';
import { COMPLIANT, defineRule, nonCompliant, NOT_APPLICABLE } from '../../rule';

const FUNCTION_TYPES: readonly string[] = ['AWS::Lambda::Function', 'AWS::Serverless::Function'];

/**
 * Service principals that invoke Lambda asynchronously (InvocationType Event): S3, SNS, EventBridge
 * and its Scheduler, SES, CloudWatch Logs (global or regional principal) and alarms, IoT, IoT Events,
 * CodeCommit, Config, CodePipeline.
 */
const ASYNC_PRINCIPAL =
  /^(s3|sns|events|scheduler|ses|iot|iotevents|codecommit|config|codepipeline|lambda\.alarms\.cloudwatch|logs(\.[a-z0-9-]+)?)\.amazonaws\.com(\.cn)?$/;

/** SAM event source types delivered asynchronously; SQS, Kinesis, DynamoDB, Api... are synchronous. */
const ASYNC_SAM_EVENTS: ReadonlySet<string> = new Set([
  'S3',
  'SNS',
  'EventBridgeRule',
  'CloudWatchEvent',
  'Schedule',
  'ScheduleV2',
  'CloudWatchLogs',
  'IoTRule',
]);

type Presence = ReturnType<typeof presenceAt>;
const PRESENCE_RANK: Readonly<Record<Presence, number>> = { absent: 0, conditional: 1, present: 2 };

/** Per stack: what invokes each function asynchronously, and what `EventInvokeConfig` failure handling it has. */
interface AsyncInvocation {
  readonly triggers: Map<string, Set<string>>;
  readonly invokeConfigs: Map<string, Presence>;
  /** The EventInvokeConfig of each function that has one, by logical ID. */
  readonly configuredBy: Map<string, string>;
  /** The functions something in the stack invokes synchronously (an event source mapping, API Gateway...). */
  readonly invokedSynchronously: Set<string>;
}

/** SAM event source types Lambda polls or calls synchronously. */
const SYNC_SAM_EVENTS: ReadonlySet<string> = new Set([
  'SQS',
  'Kinesis',
  'DynamoDB',
  'MSK',
  'MQ',
  'SelfManagedKafka',
  'DocumentDB',
  'Api',
  'HttpApi',
]);

/** Service principals that invoke Lambda synchronously: API Gateway, load balancers, Cognito triggers. */
const SYNC_PRINCIPAL = /^(apigateway|elasticloadbalancing|cognito-idp)\.amazonaws\.com(\.cn)?$/;

export default defineRule(
  __filename,
  {
    id: 'BIS-AV1',
    title: 'Asynchronously invoked functions have an on-failure destination',
    rationale:
      "S3, SNS, EventBridge, API Gateway integrations with `X-Amz-Invocation-Type: 'Event'` and the other asynchronous sources hand the event to Lambda and forget it: after two failed retries (or when the event ages out) Lambda drops it silently. Without an on-failure destination or a dead-letter queue a landed object is never ingested and nobody knows. An EventInvokeConfig (`configureAsyncInvoke`, `retryAttempts`, `onSuccess`) configures asynchronous invocation only, so a function that has one is taken as invoked asynchronously by a caller outside the stack, unless every invoker the stack shows is synchronous (an SQS, Kinesis or DynamoDB event source mapping, API Gateway, a function URL), where the config has no effect. Not judged: callers outside the stack that leave no EventInvokeConfig, and OpenAPI definitions kept in a file (BodyS3Location).",
    fix: 'Give the function an on-failure destination: `onFailure: new destinations.SqsDestination(queue)` on lambda.Function (an `AWS::Lambda::EventInvokeConfig` with `DestinationConfig.OnFailure.Destination`), or a dead-letter queue: `deadLetterQueueEnabled: true` / `deadLetterQueue` (`DeadLetterConfig.TargetArn`). In SAM: `EventInvokeConfig.DestinationConfig.OnFailure` or `DeadLetterQueue`.',
    level: 'error',
    resourceTypes: FUNCTION_TYPES,
  },
  (fn, index) => {
    const invocation = asyncInvocation(index, fn.stack);
    const triggers = new Set(invocation.triggers.get(fn.logicalId));
    for (const trigger of samAsyncEvents(fn)) triggers.add(trigger);
    // An invoke config configures asynchronous invocation only: with no other trigger in sight, it
    // says the function is invoked so by a caller outside the stack, unless every invoker found is
    // synchronous (an SQS event source mapping from `retryAttempts`), where the config is inert.
    const config =
      invocation.configuredBy.get(fn.logicalId) ??
      (fn.type === 'AWS::Serverless::Function' && fn.properties.EventInvokeConfig !== undefined
        ? 'EventInvokeConfig'
        : undefined);
    const synchronous = invocation.invokedSynchronously.has(fn.logicalId) || samSyncEvents(fn).length > 0;
    if (triggers.size === 0 && (config === undefined || synchronous)) return NOT_APPLICABLE;

    const handling = [...ownFailureHandling(fn), invocation.invokeConfigs.get(fn.logicalId) ?? 'absent'];
    if (handling.includes('present')) return COMPLIANT;
    const by =
      triggers.size === 0
        ? `The function has an ${config === 'EventInvokeConfig' ? 'inline EventInvokeConfig' : `EventInvokeConfig (${config})`}, which applies only to asynchronous invocations, so a caller outside the stack invokes it asynchronously`
        : `The function is invoked asynchronously by ${[...triggers].sort().join(', ')}`;
    const properties =
      fn.type === 'AWS::Serverless::Function'
        ? 'EventInvokeConfig.DestinationConfig.OnFailure or DeadLetterQueue'
        : 'an EventInvokeConfig with DestinationConfig.OnFailure.Destination, or DeadLetterConfig.TargetArn';
    if (handling.includes('conditional')) {
      // A destination under Fn::If/AWS::NoValue is missing in some deployments: fail closed.
      return nonCompliant(
        `${by}, but its failure handling (${properties}) is conditional (Fn::If with AWS::NoValue); it must exist in every deployment.`,
      );
    }
    return nonCompliant(
      `${by}${triggers.size === 0 ? ', but it' : ' and'} has no on-failure destination or dead-letter queue (${properties}): an event that still fails after Lambda's retries is dropped.`,
    );
  },
);

/** The function's own DLQ and, for SAM, its inline EventInvokeConfig. */
function ownFailureHandling(fn: TemplateResource): Presence[] {
  if (fn.type === 'AWS::Serverless::Function') {
    // SAM creates the queue or topic itself when OnFailure names only Type SQS/SNS.
    return [
      presenceAt(fn.properties, 'DeadLetterQueue', 'TargetArn'),
      presenceAt(fn.properties, 'EventInvokeConfig', 'DestinationConfig', 'OnFailure'),
    ];
  }
  return [presenceAt(fn.properties, 'DeadLetterConfig', 'TargetArn')];
}

/** `SAM event <name> (<Type>)` for each asynchronous source in a SAM function's `Events`. */
function samAsyncEvents(fn: TemplateResource): string[] {
  if (fn.type !== 'AWS::Serverless::Function' || !isObject(fn.properties.Events)) return [];
  const found: string[] = [];
  for (const [name, event] of Object.entries(fn.properties.Events)) {
    const type = literalString(valueAt(event, 'Type'));
    if (type !== undefined && ASYNC_SAM_EVENTS.has(type)) found.push(`SAM event ${name} (${type})`);
  }
  return found;
}

/** The SAM events of a function that invoke it synchronously. */
function samSyncEvents(fn: TemplateResource): string[] {
  if (fn.type !== 'AWS::Serverless::Function' || !isObject(fn.properties.Events)) return [];
  return Object.values(fn.properties.Events).flatMap((event) => {
    const type = literalString(valueAt(event, 'Type'));
    return type !== undefined && SYNC_SAM_EVENTS.has(type) ? [type] : [];
  });
}

/** The request header that makes an API Gateway Lambda integration invoke the function asynchronously. */
const INVOCATION_TYPE_PARAMETER = 'integration.request.header.x-amz-invocation-type';

/**
 * True when integration request parameters set `X-Amz-Invocation-Type` to the static value
 * `'Event'` (quoted in CloudFormation: a literal, not a mapping from the method request).
 */
function invokesAsynchronously(requestParameters: unknown): boolean {
  if (!isObject(requestParameters)) return false;
  return Object.entries(requestParameters).some(
    ([name, value]) =>
      name.toLowerCase() === INVOCATION_TYPE_PARAMETER &&
      literalString(value)?.trim().toLowerCase() === "'event'",
  );
}

/** The `x-amazon-apigateway-integration` of every operation of an inline OpenAPI definition. */
function openApiIntegrations(definition: unknown): unknown[] {
  const paths = valueAt(definition, 'paths');
  if (!isObject(paths)) return [];
  return Object.values(paths).flatMap((operations) =>
    isObject(operations)
      ? Object.values(operations).map((operation) => valueAt(operation, 'x-amazon-apigateway-integration'))
      : [],
  );
}

/** The memo of `asyncInvocation`: one per stack and run. */
const ASYNC_INVOCATION = new MemoKey<AsyncInvocation>('av1-async-invocation');

function asyncInvocation(index: AppIndex, stack: StackInfo): AsyncInvocation {
  return index.memo(ASYNC_INVOCATION, stack, () => {
    const functions = functionResolver(index, stack);
    const triggers = new Map<string, Set<string>>();
    const addTrigger = (target: unknown, description: string): void => {
      for (const fn of functions(target)) {
        const set = triggers.get(fn) ?? new Set<string>();
        set.add(description);
        triggers.set(fn, set);
      }
    };
    const invokeConfigs = new Map<string, Presence>();
    const configuredBy = new Map<string, string>();
    const invokedSynchronously = new Set<string>();
    const addSynchronous = (target: unknown): void => {
      for (const fn of functions(target)) invokedSynchronously.add(fn);
    };

    for (const resource of index.resourcesOf(stack)) {
      const props = resource.properties;
      switch (resource.type) {
        case 'AWS::Lambda::Permission': {
          const principal = principalText(props.Principal);
          if (principal === undefined) break;
          if (isAsyncPrincipal(principal)) addTrigger(props.FunctionName, principal);
          else if (SYNC_PRINCIPAL.test(principal)) addSynchronous(props.FunctionName);
          break;
        }
        case 'AWS::Lambda::EventSourceMapping':
          addSynchronous(props.FunctionName);
          break;
        case 'AWS::Lambda::Url':
          addSynchronous(props.TargetFunctionArn);
          break;
        case 'AWS::SNS::Subscription':
          if (literalString(props.Protocol) === 'lambda') {
            addTrigger(props.Endpoint, `SNS subscription ${resource.logicalId}`);
          }
          break;
        case 'AWS::Events::Rule':
          for (const target of listAt(props, 'Targets')) {
            addTrigger(valueAt(target, 'Arn'), `EventBridge rule ${resource.logicalId}`);
          }
          break;
        case 'AWS::ApiGateway::Method':
          if (invokesAsynchronously(valueAt(props, 'Integration', 'RequestParameters'))) {
            addTrigger(
              valueAt(props, 'Integration', 'Uri'),
              `API Gateway method ${resource.logicalId} (X-Amz-Invocation-Type 'Event')`,
            );
          }
          break;
        case 'AWS::ApiGateway::RestApi':
        case 'AWS::Serverless::Api':
          for (const integration of openApiIntegrations(props.Body ?? props.DefinitionBody)) {
            if (invokesAsynchronously(valueAt(integration, 'requestParameters'))) {
              addTrigger(
                valueAt(integration, 'uri'),
                `API Gateway API ${resource.logicalId} (X-Amz-Invocation-Type 'Event')`,
              );
            }
          }
          break;
        case 'AWS::Scheduler::Schedule':
          addTrigger(valueAt(props, 'Target', 'Arn'), `EventBridge Scheduler schedule ${resource.logicalId}`);
          break;
        case 'AWS::Lambda::EventInvokeConfig': {
          let presence = presenceAt(props, 'DestinationConfig', 'OnFailure', 'Destination');
          // A config created under a Condition may not exist at all.
          if (presence === 'present' && resource.condition !== undefined) presence = 'conditional';
          for (const fn of functions(props.FunctionName)) {
            configuredBy.set(fn, resource.logicalId);
            const known = invokeConfigs.get(fn) ?? 'absent';
            // Several configs (per qualifier): the strongest one counts.
            if (PRESENCE_RANK[presence] > PRESENCE_RANK[known]) invokeConfigs.set(fn, presence);
          }
          break;
        }
      }
    }
    return { triggers, invokeConfigs, configuredBy, invokedSynchronously };
  });
}

/**
 * The logical IDs of the functions a value designates: a Ref/GetAtt/Sub of a function or of one of
 * its aliases and versions, or a literal name or ARN matching a function's literal FunctionName.
 */
function functionResolver(index: AppIndex, stack: StackInfo): (value: unknown) => string[] {
  const byName = new Map<string, string>();
  for (const fn of index.resourcesOfType(stack, ...FUNCTION_TYPES)) {
    const name = literalString(fn.properties.FunctionName);
    if (name !== undefined) byName.set(name, fn.logicalId);
  }
  const resolve = (value: unknown, depth: number): string[] => {
    const literal = literalString(value);
    if (literal !== undefined) {
      // `name`, `name:qualifier`, or `arn:aws:lambda:region:account:function:name[:qualifier]`.
      const name = /:function:([^:]+)/.exec(literal)?.[1] ?? literal.split(':')[0];
      const fn = byName.get(name);
      return fn === undefined ? [] : [fn];
    }
    const found: string[] = [];
    for (const logicalId of referencedLogicalIds(value)) {
      const resource = index.resourceByLogicalId(stack, logicalId);
      if (resource === undefined) continue;
      if (FUNCTION_TYPES.includes(resource.type)) found.push(logicalId);
      else if (
        depth === 0 &&
        (resource.type === 'AWS::Lambda::Alias' || resource.type === 'AWS::Lambda::Version')
      ) {
        found.push(...resolve(resource.properties.FunctionName, 1));
      }
    }
    return found;
  };
  return (value) => resolve(value, 0);
}

/**
 * A principal as written, computed parts as `${Name}`: the literal, or an `Fn::Sub` template, or an
 * `Fn::Join` of literals and Refs.
 */
function principalText(value: unknown): string | undefined {
  const literal = literalString(value);
  if (literal !== undefined) return literal;
  if (!isObject(value)) return undefined;
  const sub = value['Fn::Sub'];
  const template = typeof sub === 'string' ? sub : Array.isArray(sub) ? literalString(sub[0]) : undefined;
  if (template !== undefined) return template;
  const join = value['Fn::Join'];
  if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) {
    const parts = join[1].map(
      (part) =>
        literalString(part) ?? `\${${isObject(part) && typeof part.Ref === 'string' ? part.Ref : '?'}}`,
    );
    return parts.join(join[0]);
  }
  return undefined;
}

/** Whether a principal names an asynchronous invoker, its computed parts standing for a Region or the URL suffix. */
function isAsyncPrincipal(principal: string): boolean {
  const filled = principal.replace(/\$\{([^}]*)\}/g, (_, name: string) =>
    name === 'AWS::URLSuffix' ? 'amazonaws.com' : 'region',
  );
  return ASYNC_PRINCIPAL.test(filled);
}
