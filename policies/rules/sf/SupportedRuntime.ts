import { COMPLIANT, defineRule, nonCompliant, NOT_APPLICABLE } from '../../rule';
import { isIntrinsic, literalString, possibleValues, valueAt } from '../../engine/template-values';

const NODE = 'nodejs24.x or nodejs22.x';
const PYTHON = 'python3.14 or python3.13';
const JAVA = 'java25, java21, or java8.al2023 to stay on Java 8';
const DOTNET = 'dotnet10';
const RUBY = 'ruby3.4';
const OS_ONLY = 'provided.al2023';

/**
 * Lambda runtimes AWS has deprecated (no more security patches), with the deprecation date AWS
 * publishes in its runtime table (docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html), as
 * aws-cdk-lib 2.276's built-in template validation reports them. After that date AWS blocks
 * creating, then updating, such functions.
 *
 * Not listed, on purpose: java8.al2, java11, java17, python3.10 and python3.11 run on Amazon Linux 2
 * (end of life 2026-06-30), but AWS keeps patching these runtimes and has published no deprecation
 * date for them in that table; provided.al2 is listed because AWS deprecated it on 2026-07-31.
 * Runtime strings not in the table (newer runtimes) are supported.
 */
export const DEPRECATED_RUNTIMES: ReadonlyMap<string, { readonly since: string; readonly use: string }> =
  new Map(
    Object.entries({
      nodejs: { since: '2016-08-30', use: NODE },
      'nodejs4.3': { since: '2020-03-05', use: NODE },
      'nodejs4.3-edge': { since: '2020-03-05', use: NODE },
      'nodejs6.10': { since: '2019-08-12', use: NODE },
      'nodejs8.10': { since: '2020-03-06', use: NODE },
      'nodejs10.x': { since: '2021-07-30', use: NODE },
      'nodejs12.x': { since: '2023-03-31', use: NODE },
      'nodejs14.x': { since: '2023-12-04', use: NODE },
      'nodejs16.x': { since: '2024-06-12', use: NODE },
      'nodejs18.x': { since: '2025-09-01', use: NODE },
      'nodejs20.x': { since: '2026-04-30', use: NODE },
      'python2.7': { since: '2021-07-15', use: PYTHON },
      'python3.6': { since: '2022-07-18', use: PYTHON },
      'python3.7': { since: '2023-12-04', use: PYTHON },
      'python3.8': { since: '2024-10-14', use: PYTHON },
      'python3.9': { since: '2025-12-15', use: PYTHON },
      java8: { since: '2024-01-08', use: JAVA },
      'dotnetcore1.0': { since: '2019-06-27', use: DOTNET },
      'dotnetcore2.0': { since: '2019-05-30', use: DOTNET },
      'dotnetcore2.1': { since: '2022-01-05', use: DOTNET },
      'dotnetcore3.1': { since: '2023-04-03', use: DOTNET },
      dotnet6: { since: '2024-12-20', use: DOTNET },
      dotnet7: { since: '2024-05-14', use: DOTNET },
      'ruby2.5': { since: '2021-07-30', use: RUBY },
      'ruby2.7': { since: '2023-12-07', use: RUBY },
      'ruby3.2': { since: '2026-03-31', use: RUBY },
      'go1.x': { since: '2024-01-08', use: OS_ONLY },
      provided: { since: '2024-01-08', use: OS_ONLY },
      'provided.al2': { since: '2026-07-31', use: OS_ONLY },
    }),
  );

export default defineRule(
  __filename,
  {
    id: 'BIS-SF5',
    title: 'Functions run on a runtime AWS still supports',
    rationale:
      'A deprecated runtime gets no more security patches, and AWS then blocks creating and updating its functions: the next hotfix cannot be deployed. Staying on a supported runtime is what lets AWS manage the updates.',
    fix: 'Set a supported runtime: `runtime: lambda.Runtime.NODEJS_22_X` (or NODEJS_24_X, PYTHON_3_14, JAVA_25, DOTNET_10, RUBY_3_4, PROVIDED_AL2023) on lambda.Function, i.e. `Runtime: nodejs22.x` on AWS::Lambda::Function or AWS::Serverless::Function (or in the SAM Globals).',
    level: 'error',
    resourceTypes: ['AWS::Lambda::Function', 'AWS::Serverless::Function'],
  },
  (fn) => {
    const runtime = valueAt(fn.properties, 'Runtime');
    if (runtime === undefined) {
      // A container image brings its own runtime, which the image's owner updates.
      const packageType = literalString(valueAt(fn.properties, 'PackageType'));
      if (packageType === 'Image' || valueAt(fn.properties, 'ImageUri') !== undefined) return COMPLIANT;
      // Otherwise the runtime comes from SAM Globals not expanded here, or the template is invalid: unknown.
      return NOT_APPLICABLE;
    }
    const literals = possibleValues(runtime)
      .map((branch) => literalString(branch))
      .filter((name) => name !== undefined);
    // A Ref to a parameter (or any computed value) names no runtime until deploy time.
    if (literals.length === 0) return NOT_APPLICABLE;
    // Under Fn::If the function is flagged only when every literal branch is deprecated.
    if (literals.some((name) => !DEPRECATED_RUNTIMES.has(name))) return COMPLIANT;
    const details = [...new Set(literals)].flatMap((name) => {
      const deprecation = DEPRECATED_RUNTIMES.get(name);
      return deprecation
        ? [`${name} (deprecated by AWS on ${deprecation.since}; use ${deprecation.use})`]
        : [];
    });
    const lead = isIntrinsic(runtime)
      ? 'Every literal branch of the Runtime Fn::If is deprecated'
      : 'Runtime';
    return nonCompliant(`${lead}: ${details.join(', ')}. A deprecated runtime gets no security patches.`);
  },
);
