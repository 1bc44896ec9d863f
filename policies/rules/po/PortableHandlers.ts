import { COMPLIANT, defineRule, nonCompliant, NOT_APPLICABLE } from '../../rule';
import { isObject } from '../../engine/template-values';
import { PORTABLE_FUNCTION_MARK } from '../../marks';
import { servesOnlyCustomResources } from './custom-resource-handlers';

export default defineRule(
  __filename,
  {
    id: 'BIS-PO1',
    title: 'Application functions are built from portable handlers',
    rationale:
      'A handler written against Lambda event types runs only on AWS; one written against web-standard Request/Response or the neutral ObjectLanded event also runs on Google Cloud Functions and locally, so the application can move or run on two clouds without a rewrite. Not judged: a function that only serves CloudFormation custom resources (their ServiceToken, directly or through a custom-resources Provider) runs at deploy time, as deployment plumbing, not as part of the application; one that also has another caller (an API, an event source, a permission) is judged.',
    fix: `Deploy the function with \`new PortableFunction(scope, id, { entry: 'functions/<service>/index.ts' })\` from cdk-bis, whose handler exports an HttpHandler or ObjectLandedHandler; it writes the Metadata mark "${PORTABLE_FUNCTION_MARK}": { "entry": "<module>" } on the AWS::Lambda::Function.`,
    level: 'warning',
    resourceTypes: ['AWS::Lambda::Function', 'AWS::Serverless::Function'],
  },
  (fn, index) => {
    if (fn.stack.role !== 'application') return NOT_APPLICABLE;
    // A custom-resource handler runs at deploy time only: plumbing of the deployment, not of the application.
    if (servesOnlyCustomResources(fn, index)) return NOT_APPLICABLE;
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
