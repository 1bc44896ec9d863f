import { readFileSync } from 'fs';
import { dirname, join } from 'path';

/*
 * Which resource types a template may declare: those CloudFormation and SAM know, `Custom::*`, and
 * registry extensions; and the known type an unknown one was probably meant to be.
 */

/** SAM types missing from aws-cdk-lib's CloudFormation type list, and types CloudFormation accepts without a schema. */
const EXTRA_KNOWN_TYPES = [
  'AWS::Serverless::Function',
  'AWS::Serverless::Api',
  'AWS::Serverless::HttpApi',
  'AWS::Serverless::SimpleTable',
  'AWS::Serverless::StateMachine',
  'AWS::Serverless::LayerVersion',
  'AWS::Serverless::Application',
  'AWS::Serverless::GraphQLApi',
  'AWS::Serverless::Connector',
  'AWS::CloudFormation::CustomResource',
  // The version-reporting resource `cdk synth` adds to templates.
  'AWS::CDK::Metadata',
];

let knownTypes: ReadonlySet<string> | undefined;

/** The CloudFormation resource types aws-cdk-lib knows (its CfnInclude type table), SAM types included. */
export function knownResourceTypes(): ReadonlySet<string> {
  if (!knownTypes) {
    const table = join(
      dirname(require.resolve('aws-cdk-lib/package.json')),
      'cloudformation-include',
      'cfn-types-2-classes.json',
    );
    const types = Object.keys(JSON.parse(readFileSync(table, 'utf8')) as Record<string, unknown>);
    knownTypes = new Set([...types, ...EXTRA_KNOWN_TYPES]);
  }
  return knownTypes;
}

/**
 * Types in AWS's own namespaces must be known; `Custom::*` is always valid; other three-part names
 * (`MongoDB::Atlas::Cluster`, a private `MyOrg::Service::Thing`) are CloudFormation registry
 * extensions that no list can hold, so they are accepted as written.
 */
export function isKnownResourceType(type: string): boolean {
  if (/^Custom::[A-Za-z0-9_@-]+$/.test(type)) return true;
  if (knownResourceTypes().has(type)) return true;
  const parts = type.split('::');
  const shaped =
    (parts.length === 3 || (parts.length === 4 && parts[3] === 'MODULE')) &&
    parts.every((part) => /^[A-Za-z0-9]+$/.test(part));
  return shaped && !['aws', 'alexa', 'custom'].includes(parts[0].toLowerCase());
}

export function closestKnownType(type: string): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(3, Math.floor(type.length / 6)) + 1;
  for (const candidate of knownResourceTypes()) {
    if (Math.abs(candidate.length - type.length) >= bestDistance) continue;
    const distance = editDistance(type.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j] + 1,
        current[j - 1] + 1,
        previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length];
}
