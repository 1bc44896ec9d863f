/**
 * Template Metadata key that marks a Lambda function as built from a portable handler
 * (`Request → Response` or `ObjectLanded`, runnable on two clouds). `PortableFunction` writes it;
 * BIS-PO1 reads it. It lives in CloudFormation Metadata, not construct metadata, so that a
 * scanned template carries the same mark as a synthesized app.
 *
 * The value is an object: `{ "entry": "functions/ingest/index.ts" }`.
 */
export const PORTABLE_FUNCTION_MARK = 'cdk-bis:portable-function';

/**
 * The cost-allocation tag keys of cdk-bis (BIS-CO9 looks for them by default; `DataLakeStack`
 * writes them): the team that owns a resource, and the cost centre it is charged to.
 */
export const BIS_OWNER_TAG = 'bis:owner';
export const BIS_COST_CENTER_TAG = 'bis:cost-center';

/** The plugin name of the BIS pack in CDK's validation report, and the prefix of its acknowledgement IDs. */
export const BIS_PLUGIN_NAME = 'BIS';

/**
 * The ID a construct acknowledges a rule by: `BIS::BIS-SF1`. Here because constructs write it too: the
 * lake's destruction gate acknowledges BIS-DI4 when the DESTROY flag is set.
 */
export function acknowledgementId(ruleId: string): string {
  return `${BIS_PLUGIN_NAME}::${ruleId}`;
}
