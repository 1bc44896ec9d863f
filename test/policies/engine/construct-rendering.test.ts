import { App, CfnResource, Duration, Lazy, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { constructProperties, entryAttributes } from '../../../policies/engine/construct-rendering';
import type { TemplateObject } from '../../../policies/engine/template-values';
import { testApp } from '../../support';

/** The Properties of each resource of a synthesized stack, by construct path. */
function synthesizedProperties(stack: Stack): Map<string, unknown> {
  const assembly = (stack.node.root as App).synth();
  const template = assembly.getStackByName(stack.stackName).template as {
    Resources: Record<string, TemplateObject>;
  };
  const resources = template.Resources;
  const byPath = new Map<string, unknown>();
  for (const entry of Object.values(resources)) {
    const path = (entry.Metadata as TemplateObject | undefined)?.['aws:cdk:path'];
    if (typeof path === 'string') byPath.set(path, entry.Properties ?? {});
  }
  return byPath;
}

function l1s(stack: Stack): CfnResource[] {
  return stack.node
    .findAll()
    .filter((construct): construct is CfnResource => CfnResource.isCfnResource(construct));
}

/** JSON drops undefined, as a template file does. */
const asJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

test('reading one property resolves that property only', () => {
  const stack = new Stack(testApp(), 'Stack');
  const produced: string[] = [];
  new sqs.CfnQueue(stack, 'Queue', {
    queueName: Lazy.string({ produce: () => (produced.push('QueueName'), 'jobs') }),
    delaySeconds: Lazy.number({ produce: () => (produced.push('DelaySeconds'), 5) }),
  });
  const properties = constructProperties(l1s(stack)[0]);
  expect(properties.QueueName).toBe('jobs');
  expect(produced).toEqual(['QueueName']);
  // A second read is not resolved again.
  expect(properties.QueueName).toBe('jobs');
  expect(produced).toEqual(['QueueName']);
});

test('lazily read properties equal the synthesized template, structures, tags and tokens included', () => {
  const stack = new Stack(testApp({ context: { 'aws:cdk:enable-path-metadata': true } }), 'Stack');
  const queue = new sqs.Queue(stack, 'Queue', {
    deadLetterQueue: { queue: new sqs.Queue(stack, 'Dlq'), maxReceiveCount: 2 },
  });
  const bucket = new s3.Bucket(stack, 'Bucket', {
    versioned: true,
    lifecycleRules: [{ prefix: 'tmp/', expiration: Duration.days(30) }],
  });
  const fn = new lambda.Function(stack, 'Fn', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => {}'),
    environment: { QUEUE: queue.queueUrl },
  });
  bucket.grantRead(fn);
  new s3.CfnBucket(stack, 'Tagged', { tags: [{ key: 'owner', value: 'shop' }] });
  const rendered = l1s(stack).map((l1) => {
    const properties = constructProperties(l1);
    return [l1.node.path, { keys: Object.keys(properties), json: asJson(properties) }] as const;
  });
  const synthesized = synthesizedProperties(stack);
  expect(rendered.length).toBeGreaterThan(6);
  for (const [path, { keys, json }] of rendered) {
    expect({ path, json }).toEqual({ path, json: synthesized.get(path) });
    // A property whose token resolves to nothing (an unset physical name) is not a key either.
    expect({ path, keys }).toEqual({ path, keys: Object.keys(synthesized.get(path) as object) });
  }
  const tagged = rendered.find(([path]) => path === 'Stack/Tagged')![1];
  expect(tagged.json).toEqual({ Tags: [{ Key: 'owner', Value: 'shop' }] });
});

test('a property that resolves to nothing is absent, as in the template', () => {
  const stack = new Stack(testApp(), 'Stack');
  const queue = new sqs.Queue(stack, 'Queue');
  const properties = constructProperties(queue.node.defaultChild as CfnResource);
  // sqs.Queue passes its physical name as a token that resolves to undefined.
  expect('QueueName' in properties).toBe(false);
  expect(properties.QueueName).toBeUndefined();
  expect({ ...properties }).toEqual({});
});

test('escape-hatch overrides are honoured in properties and in the other fields', () => {
  const stack = new Stack(testApp(), 'Stack');
  const bucket = new s3.Bucket(stack, 'Bucket', { versioned: true });
  const l1 = bucket.node.defaultChild as s3.CfnBucket;
  l1.addPropertyOverride('VersioningConfiguration.Status', 'Suspended');
  l1.addOverride('DeletionPolicy', 'Delete');
  expect(constructProperties(l1).VersioningConfiguration).toEqual({ Status: 'Suspended' });
  expect(entryAttributes(l1).deletionPolicy).toBe('Delete');
});

test('an L1 whose rendering is not a renaming of its keys is rendered whole, as CDK renders it', () => {
  class MergingResource extends CfnResource {
    protected renderProperties(props: Record<string, unknown>): Record<string, unknown> {
      return { Name: `${String(props.prefix)}-${String(props.suffix)}` };
    }
  }
  const stack = new Stack(testApp(), 'Stack');
  const merged = new MergingResource(stack, 'Merged', {
    type: 'Custom::Merged',
    properties: { prefix: 'a', suffix: 'b' },
  });
  expect(asJson(constructProperties(merged))).toEqual({ Name: 'a-b' });
});

test('a rule cannot change the properties it reads', () => {
  const stack = new Stack(testApp(), 'Stack');
  const properties = constructProperties(new sqs.CfnQueue(stack, 'Queue', { delaySeconds: 5 }));
  expect(() => {
    (properties as Record<string, unknown>).DelaySeconds = 0;
  }).toThrow(TypeError);
  expect(properties.DelaySeconds).toBe(5);
});

test('DeletionPolicy, UpdateReplacePolicy, Condition and Metadata read as the template has them', () => {
  const stack = new Stack(testApp(), 'Stack');
  const bucket = new s3.Bucket(stack, 'Bucket');
  const l1 = bucket.node.defaultChild as s3.CfnBucket;
  l1.cfnOptions.metadata = { team: Lazy.string({ produce: () => 'shop' }) };
  expect(entryAttributes(l1)).toEqual({
    deletionPolicy: 'Retain',
    updateReplacePolicy: 'Retain',
    metadata: { team: 'shop' },
    condition: undefined,
  });
});
