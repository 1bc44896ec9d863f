/*
 * Who may write a zone or a table: decided by the lake, in its resource policies, so an identity
 * policy an application gives itself is not enough to write where the platform has not listed it.
 */
import { Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { lakeError } from './errors';

/**
 * The principal tag that names the lake services: a role tagged `bis:lake-writer=<lakeName>` may
 * write where `LakeWriters.lakeServices()` applies, e.g. the curate function of the lake services.
 */
export const BIS_LAKE_WRITER_TAG = 'bis:lake-writer';

/** What a `LakeWriters.only` list names, besides the lake's own machinery and the account root. */
export interface LakeWritersOptions {
  /**
   * Role ARN patterns, matched with `ArnLike` against `aws:PrincipalArn`, e.g.
   * `arn:aws:iam::123456789012:role/replication-*`. A wildcard is allowed in the role name only.
   *
   * @default - no role besides the lake services
   */
  readonly roleArnPatterns?: readonly string[];
  /**
   * Whether roles tagged `bis:lake-writer=<lakeName>` (the lake services) may write.
   *
   * @default true
   */
  readonly lakeServices?: boolean;
}

/**
 * Who may write a zone of the lake or one of its tables. Everyone else is denied by the bucket or
 * table resource policy, whatever their identity policy says. Writers still need a grant
 * (`grantWrite`, `grantCurate`, `grantWriteData`): being listed only stops the deny.
 *
 * @example
 * new DataLakeStack(app, 'DataLake', {
 *   lakeName: 'enterprise',
 *   writers: { curated: LakeWriters.only({ roleArnPatterns: ['arn:aws:iam::123456789012:role/finance-curator'] }) },
 * });
 */
export class LakeWriters {
  /** Any principal of the lake's account with a grant: what the landing zone and tables accept by default. */
  public static anyApplication(): LakeWriters {
    return new LakeWriters(undefined);
  }

  /** Only the lake services (roles tagged `bis:lake-writer=<lakeName>`): what raw and curated accept by default. */
  public static lakeServices(): LakeWriters {
    return new LakeWriters({ roleArnPatterns: [], lakeServices: true });
  }

  /** Only the roles listed, and the lake services unless `lakeServices` is false. */
  public static only(options: LakeWritersOptions): LakeWriters {
    return new LakeWriters({
      roleArnPatterns: options.roleArnPatterns ?? [],
      lakeServices: options.lakeServices ?? true,
    });
  }

  private constructor(private readonly listed: Required<LakeWritersOptions> | undefined) {}

  /** True when any application of the account may write: no deny statement is needed. */
  public get isAnyApplication(): boolean {
    return this.listed === undefined;
  }

  /**
   * The Deny statement for every principal not listed, or undefined when any application may write.
   * The account root (administration) and `machinery` (the lake's own CDK roles, such as bucket
   * auto-delete) are always exempt.
   */
  public denyStatement(
    scope: Construct,
    lakeName: string,
    what: string,
    deny: {
      sid: string;
      actions: readonly string[];
      resources: readonly string[];
      machinery?: readonly string[];
    },
  ): iam.PolicyStatement | undefined {
    if (this.listed === undefined) return undefined;
    for (const pattern of this.listed.roleArnPatterns) checkRoleArnPattern(scope, lakeName, what, pattern);
    const exempt = [
      new iam.AccountRootPrincipal().arn,
      ...this.listed.roleArnPatterns,
      ...(deny.machinery ?? []),
    ];
    const conditions: Record<string, unknown> = { ArnNotLike: { 'aws:PrincipalArn': exempt } };
    // Both conditions must hold for the deny: a listed ARN or the lake-writer tag is enough to write.
    if (this.listed.lakeServices) {
      conditions.StringNotEquals = { [`aws:PrincipalTag/${BIS_LAKE_WRITER_TAG}`]: lakeName };
    }
    return new iam.PolicyStatement({
      sid: deny.sid,
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: [...deny.actions],
      resources: [...deny.resources],
      conditions,
    });
  }

  /** The writers as the docs and errors name them. */
  public describe(): string {
    if (this.listed === undefined) return 'any application of the account';
    const names = [
      ...(this.listed.lakeServices ? [`roles tagged ${BIS_LAKE_WRITER_TAG}`] : []),
      ...this.listed.roleArnPatterns,
    ];
    return names.length === 0 ? 'nobody but the account root' : names.join(', ');
  }
}

const ROLE_ARN_PATTERN = /^arn:[a-z-]+:iam::(\d{12}|\*):role\/[\w+=,.@/*-]+$/;

function checkRoleArnPattern(scope: Construct, lakeName: string, what: string, pattern: unknown): void {
  if (typeof pattern === 'string' && Token.isUnresolved(pattern)) return;
  if (typeof pattern !== 'string' || !ROLE_ARN_PATTERN.test(pattern)) {
    const account = Stack.of(scope).account;
    throw lakeError(
      lakeName,
      scope.node.path,
      `writers of ${what}: ${JSON.stringify(pattern)} is not a role ARN pattern. ` +
        `Use arn:<partition>:iam::<account>:role/<name>, with * in the name only, e.g. ` +
        `${Token.isUnresolved(account) ? 'arn:aws:iam::123456789012' : `arn:aws:iam::${account}`}:role/curator-*.`,
    );
  }
}
