import { COMPLIANT, defineRule, nonCompliant, NOT_APPLICABLE } from '../../rule';
import { isIntrinsic, mayBeAbsent, possibleValues } from '../../engine/template-values';
import { LAMBDA_GB_SECOND_USD } from './prices';

const SAVING = Math.round((1 - LAMBDA_GB_SECOND_USD.arm64 / LAMBDA_GB_SECOND_USD.x86_64) * 100);

export default defineRule(
  __filename,
  {
    id: 'BIS-CO8',
    title: 'Functions run on arm64',
    rationale: `Lambda bills arm64 (Graviton) duration about ${SAVING}% cheaper per GB-second than x86_64 ($${LAMBDA_GB_SECOND_USD.arm64} vs $${LAMBDA_GB_SECOND_USD.x86_64} in us-east-1), usually with equal or better performance; Node.js and Python code runs unchanged. x86_64 is the default.`,
    fix: "Set `architecture: lambda.Architecture.ARM_64` on lambda.Function (and build native dependencies for arm64), or `Architectures: ['arm64']` on AWS::Lambda::Function / AWS::Serverless::Function.",
    level: 'warning',
    resourceTypes: ['AWS::Lambda::Function', 'AWS::Serverless::Function'],
  },
  (fn) => {
    const value = fn.properties.Architectures;
    const lists = possibleValues(value);
    const absent = mayBeAbsent(value);
    const x86 = lists.some((list) => Array.isArray(list) && list.includes('x86_64'));
    if (!absent && !x86) {
      // A list from a parameter cannot be read; a literal list without x86_64 is arm64.
      const computed = lists.some(
        (list) => !Array.isArray(list) || list.some((item) => typeof item !== 'string'),
      );
      return computed ? NOT_APPLICABLE : COMPLIANT;
    }
    const shown =
      value === undefined
        ? `Architectures is absent, so the function runs on x86_64 (the default${fn.type === 'AWS::Serverless::Function' ? ' unless SAM Globals set it' : ''})`
        : isIntrinsic(value)
          ? 'Architectures may be x86_64 (Fn::If)'
          : "Architectures is ['x86_64']";
    return nonCompliant(`${shown}; arm64 (Graviton) is ~${SAVING}% cheaper per GB-second.`);
  },
);
