import { Token } from 'aws-cdk-lib';
import { describeValue, lakeError } from './errors';

/** The rule `lakeName` follows: it becomes the key alias and the SSM contract path. */
const LAKE_NAME_PATTERN = /^[a-z0-9-]{3,40}$/;

/** Throws unless `lakeName` is a literal of 3 to 40 lowercase letters, digits or hyphens. */
export function validateLakeName(lakeName: unknown, path: string): void {
  if (typeof lakeName !== 'string' || Token.isUnresolved(lakeName)) {
    throw lakeError(
      lakeName,
      path,
      `lakeName must be a literal string of 3 to 40 lowercase letters, digits or hyphens (got ${describeValue(lakeName)}).`,
    );
  }
  if (!LAKE_NAME_PATTERN.test(lakeName)) {
    throw lakeError(
      lakeName,
      path,
      `lakeName ${JSON.stringify(lakeName)} is invalid: use 3 to 40 characters, each a lowercase letter (a-z), ` +
        'a digit (0-9) or a hyphen (-). It names the key alias alias/cdk-bis/<lakeName> and the contract path /cdk-bis/<lakeName>/.',
    );
  }
}
