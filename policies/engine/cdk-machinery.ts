import type { TemplateResource } from './template-resource';

/*
 * Resources that aws-cdk-lib creates for its own machinery. The application team cannot change
 * them, so no rule judges them as application code or data stores.
 *
 * They are recognised by the construct ids CDK gives them (never ids a user picks), which also
 * survive into logical IDs, so the same table works for a synthesized app and for a scanned
 * template. Audited on aws-cdk-lib 2.276.0: every `SingletonFunction` uuid in its lib folders, the core
 * `CustomResourceProvider`s behind custom-resource-handlers/dist, and the L2s that add their own
 * `lambda.Function`. Recognised:
 * - core CustomResourceProvider (`<Type>CustomResourceProvider/Handler|Role`): S3 and ECR
 *   auto-delete, VPC restrict-default-SG, OIDC provider, Route 53 cross-account delegation and
 *   delete-existing-record-set, CloudFront cross-region parameter reader, Synthetics auto-delete,
 *   Step Functions role policy, triggers (`AWSCDK.TriggerCustomResourceProvider`);
 * - SingletonFunction handlers: AwsCustomResource, BucketDeployment, log retention, S3
 *   notifications, S3ObjectCopy, events-targets AwsApi, SES drop-spam, Step Functions
 *   EvaluateExpression and CallAwsServiceCrossRegion;
 * - the ECS capacity drain hook (`DrainECSHook` function, `LifecycleHookDrainHook` topic and role);
 * - the custom-resources Provider framework functions and waiter state machine;
 * - the EKS cluster-resource and kubectl provider and the DynamoDB replica provider nested stacks;
 * - DnsValidatedCertificate's requestor function and CDK Pipelines' security-check auto-approve.
 * Not machinery: a user's own Provider onEvent/isComplete handler or Trigger handler (see BIS-PO1).
 */
const MACHINERY_ID_PATTERNS: readonly RegExp[] = [
  // core CustomResourceProvider: `Custom::S3AutoDeleteObjectsCustomResourceProvider/Handler`, `.../Role`.
  /Custom(::)?[A-Za-z0-9]*CustomResourceProvider/,
  /CustomResourceProvider\/?(Handler|Role)/,
  // SingletonFunction uuids of CDK's own handlers (the construct id is `<purpose><uuid without dashes>`).
  /AWS679f53fac002430cb0da5b7982bd2287/, // AwsCustomResource
  /CDKBucketDeployment8693BB64968944B69AAFB0CC9EB8756C/, // BucketDeployment
  /LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a/, // logRetention
  /BucketNotificationsHandler050a0587b7544547bf325f094a3db834/, // S3 notifications to Lambda/SQS/SNS
  /e2f8cf6b1b0f4b3f9a2c6f1f5b6d4a71/, // Custom::S3ObjectCopy
  /AWSb4cf1abd4e4f4bc699441af7ccd9ec37/, // events-targets AwsApi
  /SingletonLambda224e77f9a32e4b4dac32983477abba16/, // SES receipt rule set dropSpam
  /CrossRegionAwsSdk8a0c93f3dbef4b71ac137aaf2048ce7e/, // Step Functions CallAwsServiceCrossRegion
  // Step Functions EvaluateExpression: the singleton per runtime, or the dedicated function and its shared role.
  /Eval[0-9a-f]{32}/,
  /EvalServiceRolef4f556a4ef7a49cd8036c5b0567376fd/,
  /EvalFunction(\/|[0-9A-F]{8}$)/,
  // ECS cluster capacity (addCapacity, AsgCapacityProvider): the instance drain hook and its lifecycle hook.
  /DrainECSHook/,
  /LifecycleHookDrainHook/,
  // custom-resources Provider framework functions (the user's own onEvent handler is not matched).
  /framework-?(onEvent|isComplete|onTimeout)/,
  /waiter-?state-?machine/,
  // Provider nested stacks of EKS clusters and DynamoDB global tables (`/` in their ids becomes `--`).
  /@aws-cdk--aws-(eks|dynamodb)\.[A-Za-z]*Provider/,
  /awscdkaws(eks|dynamodb)[A-Za-z]*Provider/,
  // DnsValidatedCertificate and CDK Pipelines' broadening-permissions check.
  /CertificateRequestorFunction/,
  /CDKPipelinesAutoApprove/,
];

// One alternation: a single regex pass per resource.
const MACHINERY = new RegExp(MACHINERY_ID_PATTERNS.map((pattern) => pattern.source).join('|'));

/** True for a resource that belongs to CDK's machinery rather than to the application. */
export function isCdkMachinery(resource: Pick<TemplateResource, 'path'>): boolean {
  // A scanned template's path is `<file>#<logicalId>`, so one test covers both origins.
  return MACHINERY.test(resource.path);
}

/**
 * CodePipeline's support stacks, which `codepipeline.Pipeline` adds beside the pipeline stack for
 * cross-region actions (`cross-region-stack-<account>:<region>`: the replication bucket and key) and
 * cross-account actions (`cross-account-support-stack-<account>`: the action roles). They deploy
 * the pipeline's plumbing, not an application. A scanned template keeps the id in its file name.
 */
const SUPPORT_STACK = /(^|[/\\])(cross-region-stack-|cross-account-support-stack-)[^/\\]*$/;

/** True for a stack that CodePipeline writes for its own cross-region or cross-account support. */
export function isCdkSupportStack(stack: { readonly path: string }): boolean {
  return SUPPORT_STACK.test(stack.path);
}
