import { MemoKey, type AppIndex } from '../../engine/app-index';
import type { StackInfo } from '../../engine/template-resource';
import {
  isIntrinsic,
  isObject,
  listAt,
  possibleValues,
  presenceAt,
  referencedLogicalIds,
  valueAt,
} from '../../engine/template-values';
import { COMPLIANT, defineRule, nonCompliant } from '../../rule';

export default defineRule(
  __filename,
  {
    id: 'BIS-AV4',
    title: 'Queues have a dead-letter queue',
    rationale:
      'A message that always fails is retried until it expires and is then lost; a dead-letter queue keeps it for inspection and replay.',
    fix: 'Give the queue a dead-letter queue: `deadLetterQueue: { queue: dlq, maxReceiveCount: 5 }` on sqs.Queue (`RedrivePolicy: { deadLetterTargetArn, maxReceiveCount }`).',
    level: 'warning',
    resourceTypes: ['AWS::SQS::Queue'],
  },
  (queue, index) => {
    const redrive = presenceAt(queue.properties, 'RedrivePolicy');
    if (redrive === 'present') return COMPLIANT;
    // A queue that is itself a dead-letter queue or failure destination is the end of the line.
    if (deadLetterQueues(index, queue.stack).has(queue.logicalId)) return COMPLIANT;
    if (redrive === 'conditional') {
      return nonCompliant(
        "The queue's RedrivePolicy is conditional (Fn::If with AWS::NoValue), so some deployments have no dead-letter queue.",
      );
    }
    return nonCompliant(
      'The queue has no RedrivePolicy, and nothing in the stack uses it as a dead-letter queue or on-failure destination.',
    );
  },
);

/** The memo of `deadLetterQueues`: one per stack and run. */
const DEAD_LETTER_QUEUES = new MemoKey<Set<string>>('sqs-dead-letter-queues');

/**
 * A string value as both sides of a comparison can read it: a literal as it is, `Ref X` as `${X}`,
 * an `Fn::Sub` template without a variable map as written, and an `Fn::Join` of such parts; else undefined.
 */
function renderedString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (!isObject(value) || !isIntrinsic(value)) return undefined;
  if (typeof value.Ref === 'string') return `\${${value.Ref}}`;
  if (typeof value['Fn::Sub'] === 'string') return value['Fn::Sub'];
  const join = value['Fn::Join'];
  if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) {
    const parts = join[1].map(renderedString);
    return parts.every((part): part is string => part !== undefined) ? parts.join(join[0]) : undefined;
  }
  return undefined;
}

/** `arn:<partition>:sqs:<region>:<account>:<name>`, literal or with the pseudo parameters. */
const QUEUE_ARN =
  /^arn:(?:\$\{AWS::Partition\}|[a-z-]+):sqs:(?:\$\{AWS::Region\}|[a-z0-9-]+):(?:\$\{AWS::AccountId\}|\d{12}):(.+)$/;

/** The queue name an SQS ARN names, or undefined when the value is not a readable SQS ARN. */
function queueNameInArn(arn: string | undefined): string | undefined {
  return arn === undefined ? undefined : QUEUE_ARN.exec(arn)?.[1];
}

/**
 * Logical IDs of the queues that the stack uses as dead-letter queues or failure destinations: a
 * queue's `RedrivePolicy`, a function's DLQ or on-failure destination (Lambda and SAM), an event
 * source mapping's on-failure destination, and the DLQs of SNS subscriptions, EventBridge rule
 * targets and Scheduler schedules. A target is a reference to the queue, or an ARN that names it: queue
 * names are unique per account and Region, and SQS and SNS take a dead-letter queue only in the
 * source's own account and Region, so an ARN with the name of a queue of this stack is that queue.
 */
function deadLetterQueues(index: AppIndex, stack: StackInfo): Set<string> {
  return index.memo(DEAD_LETTER_QUEUES, stack, () => {
    const targets = new Set<string>();
    const queuesByName = new Map<string, string>();
    for (const queue of index.resourcesOfType(stack, 'AWS::SQS::Queue')) {
      const name = possibleValues(queue.properties.QueueName).map(renderedString);
      if (name.length === 1 && name[0] !== undefined) queuesByName.set(name[0], queue.logicalId);
    }
    const add = (value: unknown): void => {
      for (const logicalId of referencedLogicalIds(value)) targets.add(logicalId);
      for (const possible of possibleValues(value)) {
        const named = queuesByName.get(queueNameInArn(renderedString(possible)) ?? '');
        if (named !== undefined) targets.add(named);
      }
    };
    for (const resource of index.resourcesOf(stack)) {
      const props = resource.properties;
      switch (resource.type) {
        case 'AWS::SQS::Queue':
        case 'AWS::SNS::Subscription':
          add(valueAt(props, 'RedrivePolicy', 'deadLetterTargetArn'));
          break;
        case 'AWS::Lambda::Function':
          add(valueAt(props, 'DeadLetterConfig', 'TargetArn'));
          break;
        case 'AWS::Serverless::Function':
          add(valueAt(props, 'DeadLetterQueue', 'TargetArn'));
          add(valueAt(props, 'EventInvokeConfig', 'DestinationConfig', 'OnFailure', 'Destination'));
          break;
        case 'AWS::Lambda::EventInvokeConfig':
        case 'AWS::Lambda::EventSourceMapping':
          add(valueAt(props, 'DestinationConfig', 'OnFailure', 'Destination'));
          break;
        case 'AWS::Events::Rule':
          for (const target of listAt(props, 'Targets')) add(valueAt(target, 'DeadLetterConfig', 'Arn'));
          break;
        case 'AWS::Scheduler::Schedule':
          add(valueAt(props, 'Target', 'DeadLetterConfig', 'Arn'));
          break;
      }
    }
    return targets;
  });
}
