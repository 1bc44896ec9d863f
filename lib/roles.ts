import { NestedStack, Stack, Tags } from 'aws-cdk-lib';

/**
 * The part a stack plays in the B-I-S model.
 *
 * - `data-platform`: the iDaaS part of Infrastructure, the only place for persistent data.
 * - `infrastructure`: shared networking and observability.
 * - `application`: the Business and Support usages.
 */
export type BisRoleName = 'data-platform' | 'infrastructure' | 'application';

/** Every role, in the order the docs list them. */
export const BIS_ROLES: readonly BisRoleName[] = ['data-platform', 'infrastructure', 'application'];

/** The tag (and template Metadata key) that carries the role into synthesized and scanned templates. */
export const BIS_ROLE_TAG = 'bis:role';

/** The role of a stack that nobody classified: the diktats treat unknown stacks as applications. */
export const DEFAULT_BIS_ROLE: BisRoleName = 'application';

const explicitRoles = new WeakMap<Stack, BisRoleName>();

export function isBisRoleName(value: unknown): value is BisRoleName {
  return typeof value === 'string' && (BIS_ROLES as readonly string[]).includes(value);
}

/**
 * Reads and sets the BIS role of a stack.
 *
 * @example
 * BisRole.of(lakeStack).set('data-platform');
 */
export class BisRole {
  public static of(stack: Stack): BisRole {
    return new BisRole(stack);
  }

  private constructor(private readonly stack: Stack) {}

  /**
   * Classify the stack. The role is also written as the `bis:role` tag and as template
   * Metadata, so that a template scanned outside CDK carries it.
   */
  public set(role: BisRoleName): void {
    if (!isBisRoleName(role)) {
      throw new Error(
        `BisRole.of(${this.stack.node.path}).set(${JSON.stringify(role)}): unknown role. ` +
          `Use one of: ${BIS_ROLES.join(', ')}.`,
      );
    }
    explicitRoles.set(this.stack, role);
    Tags.of(this.stack).add(BIS_ROLE_TAG, role);
    this.stack.addMetadata(BIS_ROLE_TAG, role);
  }

  /**
   * The role in force: the one set on this stack, else its `bis:role` stack tag, else the role of the
   * parent stack for a nested stack, else `application`. A tag that names no role is an error, never a
   * silent `application`: a typo must not change which rules apply.
   */
  public get role(): BisRoleName {
    const explicit = explicitRoles.get(this.stack);
    if (explicit) return explicit;
    const tagged = this.stack.tags.tagValues()[BIS_ROLE_TAG];
    if (isBisRoleName(tagged)) return tagged;
    if (tagged !== undefined) {
      throw new Error(
        `Stack ${this.stack.node.path} has the tag ${BIS_ROLE_TAG}=${JSON.stringify(tagged)}, which is not a BIS role. ` +
          `Use one of: ${BIS_ROLES.join(', ')}, preferably with BisRole.of(stack).set(...).`,
      );
    }
    if (NestedStack.isNestedStack(this.stack) && this.stack.nestedStackParent) {
      return BisRole.of(this.stack.nestedStackParent).role;
    }
    return DEFAULT_BIS_ROLE;
  }
}
