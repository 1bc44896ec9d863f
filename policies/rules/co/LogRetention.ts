import { COMPLIANT, defineRule, nonCompliant, NOT_APPLICABLE, type Verdict } from '../../rule';
import { MemoKey, type AppIndex } from '../../engine/app-index';
import { type StackInfo, type TemplateResource } from '../../engine/template-resource';
import {
  isIntrinsic,
  isObject,
  listAt,
  literalString,
  mayBeAbsent,
  possibleValues,
  referencedLogicalId,
  valueAt,
} from '../../engine/template-values';

const LAMBDA_LOG_PREFIX = '/aws/lambda/';
/** API Gateway writes a REST API stage's execution logs to `API-Gateway-Execution-Logs_<apiId>/<stage>`. */
const EXECUTION_LOG_PREFIX = 'API-Gateway-Execution-Logs_';
const REST_STAGE_TYPES: readonly string[] = [
  'AWS::ApiGateway::Stage',
  'AWS::Serverless::Api',
  // A Deployment with a StageDescription creates its stage (StageName) itself.
  'AWS::ApiGateway::Deployment',
];

export default defineRule(
  __filename,
  {
    id: 'BIS-CO1',
    title: 'Logs have a retention period',
    rationale:
      'CloudWatch Logs keeps a log group without retention forever and bills its storage every month ($0.03/GB in us-east-1), so the cost of logs grows without end. A Lambda function without a log group of its own writes to `/aws/lambda/<name>`, which Lambda creates on first invocation with no retention; a REST API stage with execution logging (MethodSettings LoggingLevel INFO or ERROR) writes to `API-Gateway-Execution-Logs_<apiId>/<stage>`, which API Gateway creates the same way. Not judged: log groups outside the template (an access-log destination given as an ARN) and HTTP APIs, which have no execution logs.',
    fix: 'Give every log group a retention: `retention: logs.RetentionDays.ONE_MONTH` on logs.LogGroup (not `RetentionDays.INFINITE`), or `RetentionInDays` on AWS::Logs::LogGroup. For a function, pass `logGroup: new logs.LogGroup(this, "Logs", { retention })` (LoggingConfig.LogGroup), or declare an AWS::Logs::LogGroup named `/aws/lambda/${Fn}` with RetentionInDays. For a REST API stage with execution logging, declare its log group in the stack before API Gateway creates it: `new logs.LogGroup(this, "ExecutionLogs", { logGroupName: "API-Gateway-Execution-Logs_" + api.restApiId + "/" + api.deploymentStage.stageName, retention })` (an AWS::Logs::LogGroup with that LogGroupName and RetentionInDays); an access-log destination is a logs.LogGroup with a retention.',
    level: 'warning',
    resourceTypes: [
      'AWS::Logs::LogGroup',
      'AWS::Lambda::Function',
      'AWS::Serverless::Function',
      ...REST_STAGE_TYPES,
    ],
  },
  (resource, index) => {
    if (resource.type === 'AWS::Logs::LogGroup') return logGroupVerdict(resource, index);
    if (REST_STAGE_TYPES.includes(resource.type)) return executionLogsVerdict(resource, index);
    return functionVerdict(resource, index);
  },
);

function logGroupVerdict(group: TemplateResource, index: AppIndex): Verdict {
  const retention = valueAt(group.properties, 'RetentionInDays');
  if (retention === undefined || retention === null) {
    const stage = accessLogDestinations(index, group.stack).get(group.logicalId);
    const what =
      stage === undefined ? 'The log group' : `The log group (access logs of API Gateway stage ${stage})`;
    return nonCompliant(`${what} has no RetentionInDays, so its logs are kept, and billed, forever.`);
  }
  if (mayBeAbsent(retention)) {
    return nonCompliant(
      'RetentionInDays is an Fn::If with an AWS::NoValue branch: under that condition the logs are kept, and billed, forever.',
    );
  }
  // A retention computed from a parameter is still a retention: the rule cannot judge its length.
  return possibleValues(retention).some(isIntrinsic) ? NOT_APPLICABLE : COMPLIANT;
}

function functionVerdict(fn: TemplateResource, index: AppIndex): Verdict {
  const loggingConfig = valueAt(fn.properties, 'LoggingConfig');
  // A computed LoggingConfig may or may not name a log group of its own: the rule cannot tell.
  if (isIntrinsic(loggingConfig)) return NOT_APPLICABLE;
  const logGroup = valueAt(loggingConfig, 'LogGroup');
  if (logGroup !== undefined) {
    // The named log group is judged on its own when this template defines it.
    return index.referencedResource(fn, logGroup) ? COMPLIANT : NOT_APPLICABLE;
  }
  const groups = lambdaLogGroups(index, fn.stack);
  const name = literalString(fn.properties.FunctionName);
  const own = groups.get(fn.logicalId) ?? (name === undefined ? undefined : groups.get(nameKey(name)));
  if (own === 'log-group' || own === 'retention') return COMPLIANT;
  if (own === 'infinite-retention') {
    return nonCompliant(
      `The Custom::LogRetention of the function's log group sets no RetentionInDays (logRetention INFINITE), so its logs are kept, and billed, forever.`,
    );
  }
  return nonCompliant(
    `The function has no LoggingConfig.LogGroup and no log group of its own in the stack, so it logs to ${LAMBDA_LOG_PREFIX}${name ?? '<function name>'}, which Lambda creates with no retention: its logs are kept, and billed, forever.`,
  );
}

/** A REST API stage with execution logging needs the log group API Gateway would create, declared with a retention. */
function executionLogsVerdict(stage: TemplateResource, index: AppIndex): Verdict {
  const settings =
    stage.type === 'AWS::ApiGateway::Deployment'
      ? stageDescriptionSettings(stage.properties.StageDescription)
      : stage.properties.MethodSettings;
  const level = executionLoggingLevel(settings);
  if (level === undefined) return NOT_APPLICABLE;
  const api =
    stage.type === 'AWS::Serverless::Api' ? stage.logicalId : referencedLogicalId(stage.properties.RestApiId);
  const stageName = literalString(stage.properties.StageName);
  // An API or stage name known only at deploy time names no log group the rule can look for.
  if (api === undefined || stageName === undefined) return NOT_APPLICABLE;
  const declared = executionLogGroups(index, stage.stack);
  if (declared.has(`${api}/${stageName}`) || declared.has(`${api}/\${${stage.logicalId}}`)) return COMPLIANT;
  return nonCompliant(
    `Stage '${stageName}' has execution logging (MethodSettings LoggingLevel ${level}) and the stack declares no log group ${EXECUTION_LOG_PREFIX}<${api}>/${stageName}: API Gateway creates it with no retention, so its logs are kept, and billed, forever.`,
  );
}

/** A Deployment's StageDescription as MethodSettings: its own LoggingLevel applies to every method. */
function stageDescriptionSettings(description: unknown): unknown[] {
  return [{ LoggingLevel: valueAt(description, 'LoggingLevel') }, ...listAt(description, 'MethodSettings')];
}

/** The execution logging level of a stage's MethodSettings (INFO or ERROR), or undefined when it is OFF. */
function executionLoggingLevel(methodSettings: unknown): string | undefined {
  if (!Array.isArray(methodSettings)) return undefined;
  for (const setting of methodSettings) {
    for (const level of possibleValues(valueAt(setting, 'LoggingLevel'))) {
      if (level === 'INFO' || level === 'ERROR') return level;
    }
  }
  return undefined;
}

/** The memo of `executionLogGroups`: one per stack and run. */
const EXECUTION_LOG_GROUPS = new MemoKey<Set<string>>('co-api-execution-log-groups');

/**
 * The execution log groups a stack declares, as `<api logical ID>/<stage name>` or
 * `<api logical ID>/${<stage logical ID>}` (the stage name read from the Stage's Ref).
 */
function executionLogGroups(index: AppIndex, stack: StackInfo): Set<string> {
  return index.memo(EXECUTION_LOG_GROUPS, stack, () => {
    const groups = new Set<string>();
    for (const group of index.resourcesOfType(stack, 'AWS::Logs::LogGroup')) {
      const template = asSubTemplate(group.properties.LogGroupName);
      if (template === undefined || !template.startsWith(EXECUTION_LOG_PREFIX)) continue;
      const match = /^\$\{([A-Za-z0-9]+)\}\/(.+)$/.exec(template.slice(EXECUTION_LOG_PREFIX.length));
      if (match) groups.add(`${match[1]}/${match[2]}`);
    }
    return groups;
  });
}

/** The memo of `accessLogDestinations`: one per stack and run. */
const ACCESS_LOG_DESTINATIONS = new MemoKey<Map<string, string>>('co-api-access-log-destinations');

/** Log group logical ID → the API Gateway stage (REST or HTTP) that writes its access logs there. */
function accessLogDestinations(index: AppIndex, stack: StackInfo): Map<string, string> {
  return index.memo(ACCESS_LOG_DESTINATIONS, stack, () => {
    const destinations = new Map<string, string>();
    for (const stage of index.resourcesOfType(stack, 'AWS::ApiGateway::Stage', 'AWS::ApiGatewayV2::Stage')) {
      const setting = stage.properties.AccessLogSetting ?? stage.properties.AccessLogSettings;
      const group = referencedLogicalId(valueAt(setting, 'DestinationArn'));
      if (group !== undefined) destinations.set(group, stage.logicalId);
    }
    return destinations;
  });
}

/** How a function's default log group `/aws/lambda/<name>` is managed by the stack. */
type OwnLogGroup = 'log-group' | 'retention' | 'infinite-retention';

/** The memo of `lambdaLogGroups`: one per stack and run. */
const LAMBDA_LOG_GROUPS = new MemoKey<Map<string, OwnLogGroup>>('co-lambda-own-log-groups');

/**
 * The functions of a stack whose default log group the stack manages, keyed by the function's
 * logical ID (group name built from `Ref`) or by `name:<FunctionName>` (literal group name).
 */
function lambdaLogGroups(index: AppIndex, stack: StackInfo): Map<string, OwnLogGroup> {
  return index.memo(LAMBDA_LOG_GROUPS, stack, () => {
    const groups = new Map<string, OwnLogGroup>();
    for (const resource of index.resourcesOfType(stack, 'AWS::Logs::LogGroup', 'Custom::LogRetention')) {
      const target = lambdaLogGroupTarget(resource.properties.LogGroupName);
      if (target === undefined) continue;
      if (resource.type === 'AWS::Logs::LogGroup') {
        // The log group itself is judged by this rule on its own.
        groups.set(target, 'log-group');
      } else if (groups.get(target) !== 'log-group') {
        const retention = resource.properties.RetentionInDays;
        groups.set(target, mayBeAbsent(retention) ? 'infinite-retention' : 'retention');
      }
    }
    return groups;
  });
}

function nameKey(functionName: string): string {
  return `name:${functionName}`;
}

/**
 * The function a log group name belongs to: `/aws/lambda/${Fn}` (Fn::Sub), `['/aws/lambda/', {Ref: Fn}]`
 * (Fn::Join with ''), or a literal `/aws/lambda/<name>`.
 */
function lambdaLogGroupTarget(logGroupName: unknown): string | undefined {
  const template = asSubTemplate(logGroupName);
  if (template === undefined || !template.startsWith(LAMBDA_LOG_PREFIX)) return undefined;
  const rest = template.slice(LAMBDA_LOG_PREFIX.length);
  const ref = /^\$\{([A-Za-z0-9]+)\}$/.exec(rest);
  if (ref) return ref[1];
  return rest !== '' && !rest.includes('${') ? nameKey(rest) : undefined;
}

/** A literal, an `Fn::Sub` or an `Fn::Join` with '' of literals and `Ref`s, as one `Fn::Sub` template string. */
function asSubTemplate(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (!isObject(value)) return undefined;
  const sub = value['Fn::Sub'];
  if (typeof sub === 'string') return sub;
  // The list form may bind variables; only a template without bindings names the function directly.
  if (Array.isArray(sub) && typeof sub[0] === 'string' && (sub.length === 1 || isEmptyObject(sub[1])))
    return sub[0];
  const join = value['Fn::Join'];
  if (!Array.isArray(join) || join[0] !== '' || !Array.isArray(join[1])) return undefined;
  let template = '';
  for (const part of join[1]) {
    if (typeof part === 'string') {
      template += part;
    } else {
      const ref = isObject(part) && typeof part.Ref === 'string' ? referencedLogicalId(part) : undefined;
      if (ref === undefined) return undefined;
      template += `\${${ref}}`;
    }
  }
  return template;
}

function isEmptyObject(value: unknown): boolean {
  return isObject(value) && Object.keys(value).length === 0;
}
