import { COMPLIANT, defineRule, nonCompliant, NOT_APPLICABLE } from '../../rule';
import { isObject } from '../../engine/template-values';
import { PORTABLE_FUNCTION_MARK } from '../../marks';
import { servesOnlyDeployPlumbing } from './deploy-plumbing';

export default defineRule(
  __filename,
  {
    id: 'BIS-PO1',
    title: 'Application functions are built from portable handlers',
    rationale:
      'A handler written against Lambda event types runs only on AWS; one written against web-standard Request/Response or the neutral ObjectLanded event also runs on Google Cloud Functions and locally, so the application can move or run on two clouds without a rewrite. Not judged, as deployment plumbing rather than part of the application: a function whose only callers are the deployment or its pipeline: the ServiceToken of CloudFormation custom resources (directly or through a custom-resources Provider), the function an `AwsCustomResource` invokes with a Lambda `invoke` call (Custom::AWS), the handler of a `triggers.Trigger` (Custom::Trigger), or the function of a CodePipeline Lambda invoke action; one that also has another use (an API, an event source, a function URL, a permission for another principal) is judged.',
    fix: `Deploy the function with \`new PortableFunction(scope, id, { entry: 'functions/<service>/index.ts' })\` from cdk-bis, whose handler exports an HttpHandler or ObjectLandedHandler; it writes the Metadata mark "${PORTABLE_FUNCTION_MARK}": { "entry": "<module>" } on the AWS::Lambda::Function.`,
    level: 'warning',
    resourceTypes: ['AWS::Lambda::Function', 'AWS::Serverless::Function'],
  },
  (fn, index) => {
    if (fn.stack.role !== 'application') return NOT_APPLICABLE;
    // Called only at deploy time or from CI: plumbing of the delivery, not part of the application.
    if (servesOnlyDeployPlumbing(fn, index)) return NOT_APPLICABLE;
    const mark = fn.metadata[PORTABLE_FUNCTION_MARK];
    if (mark === undefined) {
      return nonCompliant(
        `The function has no "${PORTABLE_FUNCTION_MARK}" Metadata: it is not built from a portable handler; deploy it with PortableFunction.`,
      );
    }
    // An entry computed at deploy time (an intrinsic) names no handler module at synth, so it is malformed too.
    if (isObject(mark) && typeof mark.entry === 'string' && mark.entry.trim() !== '') return COMPLIANT;
    return nonCompliant(
      `The "${PORTABLE_FUNCTION_MARK}" Metadata mark is malformed (${preview(mark)}): it must be an object with a non-empty "entry" string naming the handler module.`,
    );
  },
);

/** A short JSON rendering of a value for a message. */
function preview(value: unknown): string {
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 80 ? `${json.slice(0, 77)}...` : json;
}
