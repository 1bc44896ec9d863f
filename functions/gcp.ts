import { CATALOGUE } from './catalogue';
import { gcpHttp, gcpObjectLanded } from './runtime';

/*
 * The Google Cloud entry (bundled into dist/gcp/index.js by `npm run package:gcp`): it registers every
 * catalogued function with functions-framework, and the deployment's `--entry-point` picks one.
 */
for (const fn of CATALOGUE) {
  if (fn.trigger === 'http') gcpHttp(fn.name, fn.handler);
  else gcpObjectLanded(fn.name, fn.handler);
}
