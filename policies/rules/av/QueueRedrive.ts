import { defineRule, COMPLIANT, nonCompliant } from '../../rule';
import type { AppIndex } from '../../engine/app-index';
import type { StackInfo } from '../../engine/template-resource';
import { referencedLogicalId, valueAt } from '../../engine/template-values';

export default defineRule(
  __filename,
  {
    id: 'BIS-AV4',
    title: 'Queues have a dead-letter queue',
    diktat: 'Availability above 99.99 %; invisible infrastructure.',
    rationale:
      'A message that always fails is retried until it expires and is then lost; a dead-letter queue keeps it for inspection and replay.',
    fix: 'Give the queue a dead-letter queue: `deadLetterQueue: { queue: dlq, maxReceiveCount: 5 }` (RedrivePolicy).',
    level: 'warning',
    resourceTypes: ['AWS::SQS::Queue'],
  },
  (queue, index) => {
    if (valueAt(queue.properties, 'RedrivePolicy') !== undefined) return COMPLIANT;
    // A queue that is itself the dead-letter queue of another queue needs no redrive of its own.
    if (deadLetterQueues(index, queue.stack).has(queue.logicalId)) return COMPLIANT;
    return nonCompliant('The queue has no RedrivePolicy, and no other queue uses it as its dead-letter queue.');
  },
);

/** Logical IDs of the queues that another queue of the stack names as `deadLetterTargetArn`. */
function deadLetterQueues(index: AppIndex, stack: StackInfo): Set<string> {
  return index.memo('sqs-dead-letter-queues', stack, () => {
    const targets = new Set<string>();
    for (const queue of index.resourcesOfType(stack, 'AWS::SQS::Queue')) {
      const target = referencedLogicalId(valueAt(queue.properties, 'RedrivePolicy', 'deadLetterTargetArn'));
      if (target) targets.add(target);
    }
    return targets;
  });
}
