// The door of cdk-bis/runtime: the portable contract, its adapters and the object stores.
export type {
  HandlerContext,
  HttpHandler,
  LogFields,
  Logger,
  LogLevel,
  ObjectLanded,
  ObjectLandedHandler,
} from './contract';
export { createLogger, logLevelFromEnvironment, type LoggerOptions } from './logger';
export { createHandlerContext, type HandlerContextOptions } from './handler-context';
export { INTERNAL_ERROR, TIMED_OUT, type Problem } from './problem';
export type { AdapterOptions } from './invocation';
export { MalformedEventError } from './malformed-event';
export { awsLambdaHttp, LAMBDA_RESPONSE_LIMIT_BYTES } from './aws-lambda/http';
export { awsLambdaObjectLanded, type LambdaObjectEvent } from './aws-lambda/object-landed';
export type { LambdaContext, LambdaHttpEvent, LambdaHttpResult } from './aws-lambda/lambda-types';
export { gcpHttp } from './gcp/http';
export { gcpObjectLanded, GCS_OBJECT_FINALIZED } from './gcp/object-landed';
export * from './object-store';
export * from './stores';
