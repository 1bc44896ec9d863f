import { Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { BisRole } from '../../../../lib/roles';
import { testApp } from '../../harness';

/** A Node.js function with inline code (no bundling). */
export function handler(
  scope: Construct,
  id = 'Handler',
  props: Partial<lambda.FunctionProps> = {},
): lambda.Function {
  return new lambda.Function(scope, id, {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => {}'),
    ...props,
  });
}

/** A fresh application stack in a fresh test app. */
export function appStack(id = 'App'): Stack {
  return new Stack(testApp(), id);
}

/** A fresh data-platform stack in a fresh test app. */
export function platformStack(id = 'Lake'): Stack {
  const stack = new Stack(testApp(), id);
  BisRole.of(stack).set('data-platform');
  return stack;
}
