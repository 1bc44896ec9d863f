// The serverless door: import from here, not from the files behind it.
export * from './portable-function';
export { WebApi, WebApiProps } from './web-api';
export { PortableHandlerKind } from './lambda-entry';
export { FAILED_EVENTS_RETENTION } from './failed-events';
export { LakeServicesStack, type LakeServicesStackProps } from './lake-services-stack';
