import { MemoKey, type AppIndex } from '../../engine/app-index';
import type { StackInfo, TemplateResource } from '../../engine/template-resource';
import { literalString, possibleValues, referencedLogicalId, valueAt } from '../../engine/template-values';
import { COMPLIANT, defineRule, nonCompliant, NOT_APPLICABLE, type Verdict } from '../../rule';
import { detail, propertyText } from './property-text';

const SERVERLESS_CLASS = 'db.serverless';
const AURORA_V2 =
  "Aurora Serverless v2: an rds.DatabaseCluster with writer rds.ClusterInstance.serverlessV2(...) (ServerlessV2ScalingConfiguration on the cluster, DBInstanceClass 'db.serverless' on its instances)";

/** RDS engines with no serverless edition: still provisioned, but moving them is a migration, not a setting. */
const NO_SERVERLESS_EDITION = /^(oracle|sqlserver|db2|custom-)/;

/** The serverless edition of each engine family whose instances this rule judges. */
const INSTANCE_ALTERNATIVES = new Map<string, { what: string; instead: string }>(
  Object.entries({
    'AWS::DocDB::DBInstance': {
      what: 'DocumentDB instance',
      instead:
        "DocumentDB Serverless: DBInstanceClass 'db.serverless' with ServerlessV2ScalingConfiguration on the DocDB cluster",
    },
    'AWS::Neptune::DBInstance': {
      what: 'Neptune instance',
      instead:
        "Neptune Serverless: DBInstanceClass 'db.serverless' with ServerlessScalingConfiguration on the Neptune cluster",
    },
  }),
);

export default defineRule(
  __filename,
  {
    id: 'BIS-SF3',
    title: 'Databases run on their serverless edition',
    rationale:
      'A provisioned database instance is a server sized for the peak and billed around the clock; the serverless editions (Aurora Serverless v2, DocumentDB Serverless, Neptune Serverless) scale capacity with the load and leave the sizing to AWS. ' +
      'The instances of a flagged Aurora cluster of the same template are one cause with it: the finding is on the cluster, naming them and their classes; a provisioned instance of a serverless cluster is reported on its own.',
    fix: "Use rds.DatabaseCluster with `writer: rds.ClusterInstance.serverlessV2('writer')` and serverlessV2MinCapacity/serverlessV2MaxCapacity (ServerlessV2ScalingConfiguration, DBInstanceClass 'db.serverless') instead of rds.DatabaseInstance or provisioned cluster instances; give DocumentDB and Neptune instances DBInstanceClass 'db.serverless' with the cluster's serverless scaling configuration.",
    level: 'error',
    resourceTypes: [
      'AWS::RDS::DBInstance',
      'AWS::RDS::DBCluster',
      'AWS::DocDB::DBInstance',
      'AWS::Neptune::DBInstance',
    ],
  },
  (resource, index) => {
    switch (resource.type) {
      case 'AWS::RDS::DBInstance':
        // One cause, one finding: the instances of a flagged cluster are reported on the cluster,
        // which the user wrote (`new rds.DatabaseCluster` creates the cluster and its writer).
        if (instancesOfFlaggedClusters(resource.stack, index).has(resource.logicalId)) return NOT_APPLICABLE;
        return checkRdsInstance(resource);
      case 'AWS::RDS::DBCluster':
        return withInstances(checkRdsCluster(resource), resource, index);
      default: {
        const engine = INSTANCE_ALTERNATIVES.get(resource.type);
        if (engine === undefined) return NOT_APPLICABLE;
        return judgeClass(
          resource,
          (text) => `The ${engine.what} has ${text}, a provisioned class; use ${engine.instead}.`,
        );
      }
    }
  },
);

function checkRdsInstance(instance: TemplateResource): Verdict {
  if (valueAt(instance.properties, 'DBClusterIdentifier') !== undefined) {
    return judgeClass(
      instance,
      (text) =>
        `The Aurora cluster instance has ${text}, a provisioned class; use DBInstanceClass '${SERVERLESS_CLASS}' (rds.ClusterInstance.serverlessV2) for Aurora Serverless v2.`,
    );
  }
  const engine = literalString(valueAt(instance.properties, 'Engine'));
  if (engine !== undefined && NO_SERVERLESS_EDITION.test(engine)) {
    // No serverless edition to switch to: still a server to size, reported as a warning to plan the migration.
    return nonCompliant(
      `The RDS instance (Engine '${engine}'${detailText(instance)}) is provisioned and its engine has no serverless edition; plan a move to ${AURORA_V2}.`,
      'warning',
    );
  }
  const engineText = engine === undefined ? '' : `Engine '${engine}'`;
  const sizing = [engineText, propertyText(instance.properties, 'DBInstanceClass') ?? '']
    .filter(Boolean)
    .join(', ');
  return nonCompliant(
    `The RDS instance${sizing ? ` (${sizing})` : ''} is a provisioned database server; use ${AURORA_V2}.`,
  );
}

function checkRdsCluster(cluster: TemplateResource): Verdict {
  const modes = possibleValues(valueAt(cluster.properties, 'EngineMode')).map((mode) => literalString(mode));
  // Aurora Serverless v1 is serverless; a deploy-time choice that can be serverless is given the benefit of the doubt.
  if (modes.includes('serverless')) return COMPLIANT;
  if (valueAt(cluster.properties, 'ServerlessV2ScalingConfiguration') !== undefined) return COMPLIANT;
  if (valueAt(cluster.properties, 'DBClusterInstanceClass') !== undefined) {
    return nonCompliant(
      `The Multi-AZ DB cluster${detail(cluster.properties, 'DBClusterInstanceClass')} runs provisioned instances; use ${AURORA_V2}.`,
    );
  }
  const mode = propertyText(cluster.properties, 'EngineMode') ?? "EngineMode 'provisioned' (the default)";
  return nonCompliant(
    `The DB cluster has ${mode} and no ServerlessV2ScalingConfiguration, so its instances are provisioned; use ${AURORA_V2}.`,
  );
}

/** The Aurora instances of the same template that belong to a cluster, in template order. */
function instancesOf(cluster: TemplateResource, index: AppIndex): TemplateResource[] {
  return index
    .resourcesOfType(cluster.stack, 'AWS::RDS::DBInstance')
    .filter(
      (instance) =>
        referencedLogicalId(valueAt(instance.properties, 'DBClusterIdentifier')) === cluster.logicalId,
    );
}

/** A flagged cluster's finding names its instances and their classes, which are the same cause. */
function withInstances(verdict: Verdict, cluster: TemplateResource, index: AppIndex): Verdict {
  if (verdict.kind !== 'non-compliant') return verdict;
  const instances = instancesOf(cluster, index);
  if (instances.length === 0) return verdict;
  const named = instances.map((instance) => {
    const text = propertyText(instance.properties, 'DBInstanceClass');
    return text === undefined ? instance.logicalId : `${instance.logicalId} (${text})`;
  });
  return nonCompliant(
    `${verdict.message} Its instance${instances.length > 1 ? 's' : ''} ${named.join(', ')} ${instances.length > 1 ? 'are' : 'is'} reported with it: give ${instances.length > 1 ? 'them' : 'it'} DBInstanceClass '${SERVERLESS_CLASS}' (rds.ClusterInstance.serverlessV2).`,
    verdict.level,
  );
}

/** Per stack: the instances of a cluster that this rule flags. */
const INSTANCES_OF_FLAGGED_CLUSTERS = new MemoKey<ReadonlySet<string>>('sf3-instances-of-flagged-clusters');

function instancesOfFlaggedClusters(stack: StackInfo, index: AppIndex): ReadonlySet<string> {
  return index.memo(INSTANCES_OF_FLAGGED_CLUSTERS, stack, () => {
    const instances = new Set<string>();
    for (const cluster of index.resourcesOfType(stack, 'AWS::RDS::DBCluster')) {
      if (index.isMachinery(cluster) || checkRdsCluster(cluster).kind !== 'non-compliant') continue;
      for (const instance of instancesOf(cluster, index)) instances.add(instance.logicalId);
    }
    return instances;
  });
}

/** Compliant for class `db.serverless`; the message names a provisioned class. */
function judgeClass(instance: TemplateResource, message: (classText: string) => string): Verdict {
  const classes = possibleValues(valueAt(instance.properties, 'DBInstanceClass')).map((value) =>
    literalString(value),
  );
  // A deploy-time choice that can be serverless is given the benefit of the doubt; only a certain server is flagged.
  if (classes.includes(SERVERLESS_CLASS)) return COMPLIANT;
  if (classes.length === 0 || classes.some((value) => value === undefined)) return NOT_APPLICABLE; // Computed or absent.
  return nonCompliant(message(`DBInstanceClass ${classes.map((value) => `'${value}'`).join(' or ')}`));
}

function detailText(instance: TemplateResource): string {
  const text = propertyText(instance.properties, 'DBInstanceClass');
  return text === undefined ? '' : `, ${text}`;
}
