import { Stack, type StackProps, Tags } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { BIS_COST_CENTER_TAG, BIS_OWNER_TAG } from '../../policies/marks';
import { BisRole } from '../roles';
import { DataLake, type DataLakeProps } from './data-lake';
import { lakeError } from './errors';

export interface DataLakeStackProps extends StackProps, DataLakeProps {
  /**
   * The team that owns the lake, written as the `bis:owner` tag on every resource.
   *
   * @default 'platform'
   */
  readonly owner?: string;
  /**
   * The cost centre the lake is charged to, written as the `bis:cost-center` tag on every resource.
   *
   * @default 'data-platform'
   */
  readonly costCenter?: string;
}

/**
 * The platform team's data-platform stack: one DataLake, independent of every application.
 * Environment-agnostic: it performs no lookups, so it synthesizes without credentials.
 *
 * @example
 * new DataLakeStack(app, 'DataLake', { lakeName: 'enterprise' });
 */
export class DataLakeStack extends Stack {
  public readonly lake: DataLake;

  constructor(scope: Construct, id: string, props: DataLakeStackProps) {
    super(scope, id, props);
    BisRole.of(this).set('data-platform');
    const tagValue = (value: string, prop: string): string => {
      if (typeof value !== 'string' || value.trim() === '') {
        throw lakeError(
          props.lakeName,
          this.node.path,
          `${prop} must be a non-empty string; it becomes a cost-allocation tag.`,
        );
      }
      return value;
    };
    // The cost-allocation tags BIS-CO9 looks for.
    Tags.of(this).add(BIS_OWNER_TAG, tagValue(props.owner ?? 'platform', 'owner'));
    Tags.of(this).add(BIS_COST_CENTER_TAG, tagValue(props.costCenter ?? 'data-platform', 'costCenter'));
    // DataLake reads only its own props; the StackProps in `props` pass through unread.
    this.lake = new DataLake(this, 'Lake', props);
  }
}
