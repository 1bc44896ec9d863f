/*
 * The safety gate on destroying lake resources: `RemovalPolicy.DESTROY` only behind an explicit
 * context flag, never silently downgraded; SNAPSHOT, which nothing of the lake supports, never.
 */
import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import { acknowledgementId } from '../../policies/marks';
import type { Construct } from 'constructs';
import { lakeError } from './errors';

/** The context flag that must be `true` before a lake may be created with `removalPolicy: DESTROY`. */
export const ALLOW_DATA_DESTRUCTION_CONTEXT = 'cdk-bis:allowDataDestruction';

/** What the gate says about the resources it guards. */
export interface GuardedResources {
  /** What DESTROY does to them, e.g. `empties and deletes every lake bucket`. */
  readonly destroyedHow: string;
  /** Which of them refuse SNAPSHOT, e.g. `S3 buckets or KMS keys`. */
  readonly snapshotRefusedBy: string;
}

/** The removal policy asked for, once allowed: DESTROY needs the context flag, SNAPSHOT is refused. */
export function gatedRemovalPolicy(
  scope: Construct,
  lakeName: string,
  policy: RemovalPolicy,
  guarded: GuardedResources,
): RemovalPolicy {
  if (policy === RemovalPolicy.SNAPSHOT) {
    throw lakeError(
      lakeName,
      scope.node.path,
      `removalPolicy SNAPSHOT is not supported by ${guarded.snapshotRefusedBy}. ` +
        'Use RemovalPolicy.RETAIN (the default) or RETAIN_ON_UPDATE_OR_DELETE.',
    );
  }
  if (policy !== RemovalPolicy.DESTROY) return policy;
  const flag: unknown = scope.node.tryGetContext(ALLOW_DATA_DESTRUCTION_CONTEXT);
  if (flag === true || flag === 'true') {
    // The flag is the decision to lose this data: BIS-DI4 reports its findings as acknowledged by it.
    Validations.of(scope).acknowledge({
      id: acknowledgementId('BIS-DI4'),
      reason: `removalPolicy DESTROY was chosen explicitly with -c ${ALLOW_DATA_DESTRUCTION_CONTEXT}=true: this lake is throw-away.`,
    });
    return policy;
  }
  throw lakeError(
    lakeName,
    scope.node.path,
    `removalPolicy is DESTROY, which ${guarded.destroyedHow}. DESTROY needs the context flag '${ALLOW_DATA_DESTRUCTION_CONTEXT}' set to true ` +
      `(found ${JSON.stringify(flag ?? null)}). Set it for one command: \`cdk synth -c ${ALLOW_DATA_DESTRUCTION_CONTEXT}=true\` ` +
      `(or \`cdk deploy -c ${ALLOW_DATA_DESTRUCTION_CONTEXT}=true\`), or put "${ALLOW_DATA_DESTRUCTION_CONTEXT}": true in the ` +
      'context of cdk.json for a throw-away environment. To keep them, remove removalPolicy (the default is RETAIN).',
  );
}
