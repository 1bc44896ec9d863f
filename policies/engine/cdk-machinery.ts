import type { TemplateResource } from './template-resource';

/*
 * Resources that aws-cdk-lib creates for its own machinery (custom-resource providers, bucket
 * auto-delete, log retention, BucketDeployment, AwsCustomResource, S3 notifications, the
 * custom-resources Provider framework). The application team cannot change them, so no rule
 * judges them as application code or data stores.
 *
 * They are recognised by the construct ids CDK gives them, which also survive into logical IDs,
 * so the same table works for a synthesized app and for a scanned template.
 */
const MACHINERY_ID_PATTERNS: readonly RegExp[] = [
  // core CustomResourceProvider: `Custom::S3AutoDeleteObjectsCustomResourceProvider/Handler`, `.../Role`.
  /Custom(::)?[A-Za-z0-9]*CustomResourceProvider/,
  // SingletonFunction uuids of CDK's own handlers.
  /AWS679f53fac002430cb0da5b7982bd2287/, // AwsCustomResource
  /CDKBucketDeployment8693BB64968944B69AAFB0CC9EB8756C/, // BucketDeployment
  /LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a/, // logRetention
  /BucketNotificationsHandler050a0587b7544547bf325f094a3db834/, // S3 notifications to Lambda/SQS/SNS
  // custom-resources Provider framework functions (the user's own onEvent handler is not matched).
  /framework-?(onEvent|isComplete|onTimeout)/,
  /waiter-?state-?machine/,
];

/** True for a resource that belongs to CDK's machinery rather than to the application. */
// One alternation: a single regex pass per resource.
const MACHINERY = new RegExp(MACHINERY_ID_PATTERNS.map((pattern) => pattern.source).join('|'));

export function isCdkMachinery(resource: Pick<TemplateResource, 'path'>): boolean {
  // A scanned template's path is `<file>#<logicalId>`, so one test covers both origins.
  return MACHINERY.test(resource.path);
}
