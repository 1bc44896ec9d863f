/**
 * Template Metadata key that marks a Lambda function as built from a portable handler
 * (`Request → Response` or `ObjectLanded`, runnable on two clouds). `PortableFunction` writes it;
 * BIS-PO1 reads it. It lives in CloudFormation Metadata, not construct metadata, so that a
 * scanned template carries the same mark as a synthesized app.
 *
 * The value is an object: `{ "entry": "functions/ingest/index.ts" }`.
 */
export const PORTABLE_FUNCTION_MARK = 'cdk-bis:portable-function';
