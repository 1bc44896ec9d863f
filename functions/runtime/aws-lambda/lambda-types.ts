/*
 * The Lambda shapes the adapters read and write, declared here (structurally the same as
 * @types/aws-lambda's) so that the published declarations need no dev-only type package.
 */

/** API Gateway HTTP API payload 2.0, which Function URLs also send (`APIGatewayProxyEventV2`). */
export interface LambdaHttpEvent {
  readonly version: string;
  readonly rawPath: string;
  readonly rawQueryString: string;
  readonly cookies?: readonly string[];
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly requestContext: {
    readonly domainName: string;
    readonly requestId: string;
    readonly http: { readonly method: string };
  };
  readonly body?: string;
  readonly isBase64Encoded: boolean;
}

/** `APIGatewayProxyStructuredResultV2`. */
export interface LambdaHttpResult {
  statusCode: number;
  headers: Record<string, string>;
  cookies?: string[];
  body: string;
  isBase64Encoded: boolean;
}

/** The part of the Lambda `Context` the adapters use. */
export interface LambdaContext {
  readonly awsRequestId: string;
  getRemainingTimeInMillis(): number;
}
