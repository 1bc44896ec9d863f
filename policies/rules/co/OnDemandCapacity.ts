import { COMPLIANT, defineRule, nonCompliant, NOT_APPLICABLE, type Verdict } from '../../rule';
import type { TemplateResource } from '../../engine/template-resource';
import {
  isIntrinsic,
  listAt,
  literalNumber,
  mayBeAbsent,
  possibleValues,
  valueAt,
} from '../../engine/template-values';
import { ALWAYS_ON_PRICES, formatMonthly, monthlyUsd } from './prices';

export default defineRule(
  __filename,
  {
    id: 'BIS-CO6',
    title: 'DynamoDB tables use on-demand capacity',
    rationale:
      "Provisioned capacity is billed every hour whether it is used or not, and it throttles when traffic exceeds it; on-demand (PAY_PER_REQUEST) costs nothing when idle and follows the load. CloudFormation defaults to PROVISIONED, and so does CDK's dynamodb.Table (5 RCU / 5 WCU).",
    fix: 'Use on-demand capacity: `billingMode: dynamodb.BillingMode.PAY_PER_REQUEST` on dynamodb.Table (dynamodb.TableV2 is on-demand by default), `BillingMode: PAY_PER_REQUEST` on AWS::DynamoDB::Table and AWS::DynamoDB::GlobalTable, and no ProvisionedThroughput on AWS::Serverless::SimpleTable.',
    level: 'warning',
    resourceTypes: ['AWS::DynamoDB::Table', 'AWS::DynamoDB::GlobalTable', 'AWS::Serverless::SimpleTable'],
  },
  (table) =>
    table.type === 'AWS::Serverless::SimpleTable' ? simpleTableVerdict(table) : billingModeVerdict(table),
);

function billingModeVerdict(table: TemplateResource): Verdict {
  const modeValue = table.properties.BillingMode;
  // Both AWS::DynamoDB::Table and AWS::DynamoDB::GlobalTable default to PROVISIONED.
  const modes = [...possibleValues(modeValue), ...(mayBeAbsent(modeValue) ? ['PROVISIONED'] : [])];
  if (!modes.includes('PROVISIONED')) {
    // A billing mode from a parameter cannot be judged; a literal PAY_PER_REQUEST is on-demand.
    return modes.some(isIntrinsic) ? NOT_APPLICABLE : COMPLIANT;
  }
  const mode =
    modeValue === undefined
      ? "BillingMode is absent, so the table is PROVISIONED (CloudFormation's default)"
      : modes.length > 1
        ? "BillingMode may be 'PROVISIONED' (Fn::If)"
        : "BillingMode is 'PROVISIONED'";
  if (table.type === 'AWS::DynamoDB::GlobalTable') {
    return nonCompliant(`${mode}: its capacity is billed every hour in every replica Region, used or not.`);
  }
  const throughputs = [
    table.properties.ProvisionedThroughput,
    ...listAt(table.properties, 'GlobalSecondaryIndexes').map((index) =>
      valueAt(index, 'ProvisionedThroughput'),
    ),
  ];
  return nonCompliant(`${mode}: ${capacityCost(throughputs)}`);
}

function simpleTableVerdict(table: TemplateResource): Verdict {
  const throughput = table.properties.ProvisionedThroughput;
  const options = possibleValues(throughput);
  // Without ProvisionedThroughput, SAM creates the table with PAY_PER_REQUEST.
  if (options.length === 0) return COMPLIANT;
  if (options.every(isIntrinsic)) return NOT_APPLICABLE;
  const shown = mayBeAbsent(throughput) || options.length > 1 ? 'may be set (Fn::If)' : 'is set';
  // Price the first literal branch: branches are alternatives, not sums.
  const literal = options.filter((option) => !isIntrinsic(option)).slice(0, 1);
  return nonCompliant(
    `ProvisionedThroughput ${shown}, so the table uses provisioned capacity: ${capacityCost(literal)}`,
  );
}

const UNPRICED = 'its provisioned capacity is billed every hour, used or not.';

/** The hourly capacity of the table and its indexes, priced when every figure is literal. */
function capacityCost(throughputs: readonly unknown[]): string {
  let read = 0;
  let write = 0;
  for (const throughput of throughputs) {
    if (throughput === undefined) continue;
    const rcu = literalNumber(valueAt(throughput, 'ReadCapacityUnits'));
    const wcu = literalNumber(valueAt(throughput, 'WriteCapacityUnits'));
    if (rcu === undefined || wcu === undefined) return UNPRICED;
    read += rcu;
    write += wcu;
  }
  if (read + write === 0) return UNPRICED;
  const usd =
    monthlyUsd(ALWAYS_ON_PRICES.dynamoDbReadCapacityUnit, read) +
    monthlyUsd(ALWAYS_ON_PRICES.dynamoDbWriteCapacityUnit, write);
  return `${read} RCU and ${write} WCU cost about ${formatMonthly(usd)} before storage, used or not.`;
}
