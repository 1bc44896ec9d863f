import { MemoKey, type AppIndex } from '../../engine/app-index';
import type { StackInfo } from '../../engine/template-resource';
import { listAt, presenceAt, referencedLogicalIds, valueAt } from '../../engine/template-values';
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
 * Logical IDs of the queues that the stack uses as dead-letter queues or failure destinations: a
 * queue's `RedrivePolicy`, a function's DLQ or on-failure destination (Lambda and SAM), an event
 * source mapping's on-failure destination, and the DLQs of SNS subscriptions, EventBridge rule
 * targets and Scheduler schedules.
 */
function deadLetterQueues(index: AppIndex, stack: StackInfo): Set<string> {
  return index.memo(DEAD_LETTER_QUEUES, stack, () => {
    const targets = new Set<string>();
    const add = (value: unknown): void => {
      for (const logicalId of referencedLogicalIds(value)) targets.add(logicalId);
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
