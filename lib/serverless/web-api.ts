import { Token } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/*
 * A browser entry point: an HTTP API (API Gateway v2, HTTPS only, TLS 1.2) whose routes are
 * PortableFunctions (`fn.addHttpRoute(api, ...)`), with access logs kept for a set time.
 */

export interface WebApiProps {
  /**
   * The authorizer every route uses unless the route names its own, e.g. an
   * `HttpJwtAuthorizer` on the enterprise identity provider. Either this or `publicAccessReason`
   * is required: a route open to the internet is a decision someone writes down.
   *
   * @default - none; then `publicAccessReason` is required
   */
  readonly defaultAuthorizer?: apigwv2.IHttpRouteAuthorizer;
  /**
   * Why routes without an authorizer are open to anyone (a public site, a webhook that checks its
   * own signature). It is recorded as the acknowledgement of cdk-nag's AwsSolutions-APIG4 on those
   * routes, where reviewers and the validation report see it.
   *
   * @default - none; then `defaultAuthorizer` is required
   */
  readonly publicAccessReason?: string;
  /**
   * How long the access logs (one JSON line per request) are kept.
   *
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly accessLogRetention?: logs.RetentionDays;
  /**
   * The CORS preflight of the API, for browser pages served from another origin.
   *
   * @default - no CORS: only pages of the API's own origin may call it
   */
  readonly corsPreflight?: apigwv2.CorsPreflightOptions;
  /**
   * The name of the API in API Gateway.
   *
   * @default - the construct path
   */
  readonly apiName?: string;
}

/**
 * One JSON line per request, from context variables HTTP APIs support (REST's
 * `jsonWithStandardFields` names some, e.g. `$context.resourcePath`, that HTTP APIs refuse).
 */
const HTTP_API_ACCESS_LOG_FORMAT = apigateway.AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    sourceIp: '$context.identity.sourceIp',
    userAgent: '$context.identity.userAgent',
    requestTime: '$context.requestTime',
    method: '$context.httpMethod',
    routeKey: '$context.routeKey',
    path: '$context.path',
    status: '$context.status',
    protocol: '$context.protocol',
    responseLength: '$context.responseLength',
    integrationError: '$context.integrationErrorMessage',
  }),
);

/** An HTTP API for browsers whose routes are portable functions. */
export class WebApi extends Construct {
  /** The HTTP API. */
  public readonly httpApi: apigwv2.HttpApi;
  /** The `$default` stage, which writes the access logs. */
  public readonly stage: apigwv2.HttpStage;
  /** The group of the access logs. */
  public readonly accessLogs: logs.LogGroup;
  /** The authorizer routes use unless they name their own; undefined when routes are public. */
  public readonly defaultAuthorizer?: apigwv2.IHttpRouteAuthorizer;
  /** The written reason why routes without an authorizer are public. */
  public readonly publicAccessReason?: string;

  public constructor(scope: Construct, id: string, props: WebApiProps = {}) {
    super(scope, id);
    const reason = props.publicAccessReason;
    if (reason !== undefined && (Token.isUnresolved(reason) || reason.trim().length < 10)) {
      throw this.invalid(
        `publicAccessReason must be a literal sentence of at least 10 characters saying why the routes are public (got ${JSON.stringify(reason)}).`,
      );
    }
    if (props.defaultAuthorizer === undefined && reason === undefined) {
      throw this.invalid(
        'give defaultAuthorizer (e.g. new HttpJwtAuthorizer(...) on your identity provider) or publicAccessReason (why anyone on the internet may call the routes).',
      );
    }
    if (props.accessLogRetention === logs.RetentionDays.INFINITE) {
      throw this.invalid(
        'accessLogRetention INFINITE keeps and bills the access logs forever; choose a logs.RetentionDays period.',
      );
    }
    this.defaultAuthorizer = props.defaultAuthorizer;
    this.publicAccessReason = reason;

    this.httpApi = new apigwv2.HttpApi(this, 'Api', {
      apiName: props.apiName,
      corsPreflight: props.corsPreflight,
      defaultAuthorizer: props.defaultAuthorizer,
      // The stage below replaces the default one, which cannot carry access logs.
      createDefaultStage: false,
    });
    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.accessLogRetention ?? logs.RetentionDays.ONE_MONTH,
    });
    this.stage = this.httpApi.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(this.accessLogs),
        format: HTTP_API_ACCESS_LOG_FORMAT,
      },
    });
  }

  /** The HTTPS URL of the API, ending with `/`. */
  public get url(): string {
    return this.stage.url;
  }

  private invalid(message: string): Error {
    return new Error(`WebApi '${this.node.id}' (${this.node.path}): ${message}`);
  }
}
