import { type TemplateResource } from '../../engine/template-resource';
import {
  isIntrinsic,
  isObject,
  literalBoolean,
  literalString,
  possibleValues,
  valueAt,
} from '../../engine/template-values';
import { COMPLIANT, defineRule, nonCompliant, NOT_APPLICABLE, type Verdict } from '../../rule';

export default defineRule(
  __filename,
  {
    id: 'BIS-AV3',
    title: 'Data-platform tables have point-in-time recovery',
    rationale:
      'Without point-in-time recovery a bad deployment, a buggy batch or a mistaken delete in a lake table can only be undone from a manual backup, if one exists; with it the table can be restored to any second of the last 35 days.',
    fix: 'Enable PITR: `pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true }` on dynamodb.Table or on each replica of dynamodb.TableV2 (the deprecated `pointInTimeRecovery: true` renders the same), i.e. `PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled: true` on AWS::DynamoDB::Table and on every `Replicas[]` entry of AWS::DynamoDB::GlobalTable. A SAM SimpleTable cannot enable it: use AWS::DynamoDB::Table.',
    level: 'error',
    resourceTypes: ['AWS::DynamoDB::Table', 'AWS::DynamoDB::GlobalTable', 'AWS::Serverless::SimpleTable'],
  },
  (table) => {
    if (table.stack.role !== 'data-platform') return NOT_APPLICABLE;
    if (table.type === 'AWS::Serverless::SimpleTable') {
      return nonCompliant(
        'AWS::Serverless::SimpleTable has no PointInTimeRecoverySpecification, so the table cannot be restored; declare it as AWS::DynamoDB::Table with PITR enabled.',
      );
    }
    if (table.type === 'AWS::DynamoDB::GlobalTable') return globalTableVerdict(table);
    const problem = pitrProblem(table.properties.PointInTimeRecoverySpecification);
    return problem === undefined
      ? COMPLIANT
      : nonCompliant(`The data-platform table's PointInTimeRecoverySpecification ${problem}.`);
  },
);

/** Every replica of a global table needs its own PITR: a restore happens per Region. */
function globalTableVerdict(table: TemplateResource): Verdict {
  const replicas = table.properties.Replicas;
  if (!Array.isArray(replicas)) {
    // The replica list is computed (or missing): PITR cannot be proven, so fail closed.
    return nonCompliant(
      'Replicas is computed at deploy time or missing; list the replicas literally, each with PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled: true.',
    );
  }
  const problems: string[] = [];
  replicas.forEach((replica, i) => {
    // A replica under Fn::If is judged in both branches.
    for (const possible of possibleValues(replica)) {
      const problem = pitrProblem(valueAt(possible, 'PointInTimeRecoverySpecification'));
      if (problem === undefined) continue;
      const region = describeRegion(valueAt(possible, 'Region'), i);
      problems.push(`replica ${region}: PointInTimeRecoverySpecification ${problem}`);
    }
  });
  return problems.length === 0
    ? COMPLIANT
    : nonCompliant(`The data-platform global table lacks point-in-time recovery: ${problems.join('; ')}.`);
}

/** What is wrong with a PointInTimeRecoverySpecification, or undefined when PITR is on. */
function pitrProblem(specification: unknown): string | undefined {
  if (specification === undefined || specification === null) return 'is absent, so PITR is off';
  const enabled = valueAt(specification, 'PointInTimeRecoveryEnabled');
  const literal = literalBoolean(enabled);
  if (literal === true) return undefined;
  if (literal === false) return 'has PointInTimeRecoveryEnabled false';
  if (enabled === undefined && !isIntrinsic(specification)) {
    return 'has no PointInTimeRecoveryEnabled, so PITR is off';
  }
  // A condition or parameter decides it at deploy time: PITR cannot be proven, so fail closed.
  return 'is computed at deploy time; PointInTimeRecoveryEnabled must be literally true';
}

function describeRegion(region: unknown, position: number): string {
  const literal = literalString(region);
  if (literal !== undefined) return literal;
  if (isObject(region) && region.Ref === 'AWS::Region') return "in the stack's Region";
  return `#${position + 1}`;
}
