import { Stack, type StackProps, Tags } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { BisRole } from '../roles';
import { DataLake, type DataLakeProps } from './data-lake';

/** The cost-allocation tag keys the stack carries (BIS-CO9). */
export const OWNER_TAG = 'bis:owner';
export const COST_CENTER_TAG = 'bis:cost-center';

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
    Tags.of(this).add(OWNER_TAG, nonEmpty(props.owner ?? 'platform', 'owner'));
    Tags.of(this).add(COST_CENTER_TAG, nonEmpty(props.costCenter ?? 'data-platform', 'costCenter'));
    // DataLake reads only its own props; the StackProps in `props` pass through unread.
    this.lake = new DataLake(this, 'Lake', props);
  }
}

function nonEmpty(value: string, prop: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new Error(`DataLakeStack: ${prop} must be a non-empty string; it becomes a cost-allocation tag.`);
  }
  return value;
}
