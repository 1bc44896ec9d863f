import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/*
 * Where a portable function's failed asynchronous events go: an SQS queue per function, encrypted
 * with one customer-managed key per stack (BIS-TR9), TLS only (AwsSolutions-SQS4), kept 14 days.
 */

/** How long a failed event waits in the queue for a replay: SQS's maximum. */
export const FAILED_EVENTS_RETENTION = Duration.days(14);

/** The construct id, at stack level, of the key shared by every failed-events queue of the stack. */
const FAILED_EVENTS_KEY_ID = 'PortableFunctionFailedEventsKey';

/**
 * The stack's key for failed-events queues, created by the first function that needs one. One key
 * per stack, not per function: a key costs a monthly fee, a queue only its requests. It is
 * destroyed with the stack (after KMS's 30-day waiting period), as are the queues it encrypts.
 */
export function failedEventsKey(scope: Construct): kms.Key {
  const stack = Stack.of(scope);
  const existing = stack.node.tryFindChild(FAILED_EVENTS_KEY_ID);
  if (existing instanceof kms.Key) return existing;
  return new kms.Key(stack, FAILED_EVENTS_KEY_ID, {
    description: 'cdk-bis: encrypts the failed-events queues of the PortableFunctions of this stack',
    enableKeyRotation: true,
    removalPolicy: RemovalPolicy.DESTROY,
  });
}

/** The failed-events queue of one function. */
export function failedEventsQueue(scope: Construct, id: string): sqs.Queue {
  const queue = new sqs.Queue(scope, id, {
    encryption: sqs.QueueEncryption.KMS,
    encryptionMasterKey: failedEventsKey(scope),
    enforceSSL: true,
    retentionPeriod: FAILED_EVENTS_RETENTION,
  });
  Validations.of(queue).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason:
      "This queue is the function's on-failure destination, the end of the line for events that failed every retry; cdk-nag's SQS3 recognises only RedrivePolicy and DeadLetterConfig, not Lambda destinations.",
  });
  return queue;
}

/**
 * An on-failure destination on an encrypted queue, granting exactly what Lambda needs to deliver:
 * `sqs:SendMessage` on the queue and the data-key actions on its key. aws-cdk-lib's SqsDestination
 * grants `grantSendMessages`, whose `kms:ReEncrypt*` and `kms:GenerateDataKey*` wildcards are more
 * than sending needs.
 */
export class FailedEventsDestination implements lambda.IDestination {
  public constructor(
    public readonly queue: sqs.IQueue,
    private readonly key: kms.IKey,
  ) {}

  /** `scope` is the function's EventInvokeConfig. */
  public bind(scope: Construct, fn: lambda.IFunction): lambda.DestinationConfig {
    const statements = [
      new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.queue.queueArn] }),
      new iam.PolicyStatement({
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [this.key.keyArn],
      }),
    ];
    if (fn.role === undefined) {
      for (const statement of statements) fn.grantPrincipal.addToPrincipalPolicy(statement);
    } else {
      // A policy of its own, which the function does not depend on: the queue's key may name an
      // EventBridge rule that targets the function, and the default policy would close that cycle.
      const policy = new iam.Policy(scope, 'SendFailedEvents', { roles: [fn.role], statements });
      // Lambda checks, when the destination is configured, that the role may send to it.
      scope.node.addDependency(policy);
    }
    return { destination: this.queue.queueArn };
  }
}
