import { App, CfnResource, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { DataLakeStack, type DataLakeStackProps, type Zone } from '../../../lib/data-lake';
import { testApp } from '../../support';

/** An app that skips asset bundling, with extra context (e.g. the destruction flag). */
export function lakeApp(context: Record<string, unknown> = {}): App {
  return testApp({ context });
}

export interface SynthesizedLake {
  readonly stack: DataLakeStack;
  readonly template: Template;
  /** The synthesized resource of a construct (its L1), by logical ID. */
  resourceOf(construct: IConstruct): {
    Type: string;
    Properties: Record<string, unknown>;
    [key: string]: unknown;
  };
  /** The logical ID of a construct's L1. */
  idOf(construct: IConstruct): string;
  /** The statements of the bucket policy attached to a zone bucket. */
  zonePolicyStatements(zone: Zone): Record<string, unknown>[];
}

/** A DataLakeStack named 'Lake', synthesized. */
export function synthLake(
  props: Partial<DataLakeStackProps> = {},
  context: Record<string, unknown> = {},
): SynthesizedLake {
  const app = lakeApp(context);
  const stack = new DataLakeStack(app, 'Lake', { lakeName: 'enterprise', ...props });
  const template = Template.fromStack(stack);
  const resources = template.toJSON().Resources as Record<string, never>;
  const idOf = (construct: IConstruct): string => {
    const cfn = CfnResource.isCfnResource(construct)
      ? construct
      : (construct.node.defaultChild as CfnResource);
    return Stack.of(cfn).getLogicalId(cfn);
  };
  const resourceOf = (construct: IConstruct) => resources[idOf(construct)];
  const zonePolicyStatements = (zone: Zone): Record<string, unknown>[] => {
    const bucketId = idOf(stack.lake.bucket(zone));
    const policies = Object.values(template.findResources('AWS::S3::BucketPolicy')).filter(
      (policy) => (policy.Properties.Bucket as { Ref?: string }).Ref === bucketId,
    );
    expect(policies).toHaveLength(1);
    return policies[0].Properties.PolicyDocument.Statement as Record<string, unknown>[];
  };
  return { stack, template, resourceOf, idOf, zonePolicyStatements };
}

/** `Fn::GetAtt` of the lake key's ARN, as the template references it. */
export function keyArnOf(lake: SynthesizedLake): unknown {
  return { 'Fn::GetAtt': [lake.idOf(lake.stack.lake.key), 'Arn'] };
}

/**
 * An ARN in the stack's partition, Region and account, as the template writes it:
 * `arnInStack('glue', ':database/', dbName)` is the `Fn::Join` of `arn:<partition>:glue:<region>:<account>:database/<dbName>`.
 */
export function arnInStack(service: string, ...tail: unknown[]): unknown {
  return {
    'Fn::Join': [
      '',
      [
        'arn:',
        { Ref: 'AWS::Partition' },
        `:${service}:`,
        { Ref: 'AWS::Region' },
        ':',
        { Ref: 'AWS::AccountId' },
        ...tail,
      ],
    ],
  };
}

/** The Glue reads every grant that reaches the catalog gives (`grantRead` of a tabular kind, `grantQuery`). */
export const GLUE_READ_ACTIONS = [
  'glue:GetDatabase',
  'glue:GetDatabases',
  'glue:GetTable',
  'glue:GetTables',
  'glue:GetPartition',
  'glue:GetPartitions',
];

/** The condition that makes the lake key usable only through S3 in the stack's Region. */
export const VIA_S3_IN_STACK_REGION = {
  StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['s3.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } },
};
