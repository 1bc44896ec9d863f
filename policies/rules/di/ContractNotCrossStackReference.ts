import { COMPLIANT, defineRule, nonCompliant, NOT_APPLICABLE } from '../../rule';
import { attributedImports, describeImport } from './cross-stack-imports';

export default defineRule(
  __filename,
  {
    id: 'BIS-DI3',
    title: 'Applications reach the data platform through its contract, not cross-stack references',
    rationale:
      'A CDK strong reference (`lakeStack.bucket.bucketName` used in an application stack) becomes a CloudFormation export of the lake imported by the application. While any application imports it, the platform team can no longer rename, replace or remove that resource: every application now pins the lake.',
    fix: 'Read the lake through its published contract: `DataLakeContract`, whose values are SSM contract parameters (`ssm.StringParameter.valueForStringParameter(this, <contract parameter name>)`, a CloudFormation `AWS::SSM::Parameter::Value<String>` parameter), and its grants, instead of passing lake constructs to application stacks, so that no `Fn::ImportValue` of a data-platform export appears in the application template.',
    level: 'error',
    resourceTypes: ['*'],
  },
  (resource, index) => {
    if (resource.stack.role !== 'application') return NOT_APPLICABLE;
    // Only imports traced to a data-platform export count: an import with a computed name or of an
    // export made outside the app cannot be attributed, and guessing would blame the wrong stack.
    const fromPlatform = attributedImports(resource, index).filter(
      (imported) => imported.exportingStack.role === 'data-platform',
    );
    if (fromPlatform.length === 0) return COMPLIANT;
    const stacks = [...new Set(fromPlatform.map((imported) => imported.exportingStack.path))].join(', ');
    return nonCompliant(
      `Fn::ImportValue of data-platform stack ${stacks}: ${fromPlatform.map(describeImport).join(', ')}. Use DataLakeContract / SSM contract parameters instead of cross-stack references.`,
    );
  },
);
