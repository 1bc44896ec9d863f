import NoServerCompute from './NoServerCompute';
import NoEc2Containers from './NoEc2Containers';
import ServerlessDatabases from './ServerlessDatabases';
import ServerlessAnalytics from './ServerlessAnalytics';
import SupportedRuntime from './SupportedRuntime';

/** The SF (serverless first) family, in ID order. */
export const SF_RULES = [
  NoServerCompute,
  NoEc2Containers,
  ServerlessDatabases,
  ServerlessAnalytics,
  SupportedRuntime,
];
