import { Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { BisChecks } from '../../../policies/bis-checks';
import { testApp } from '../../support';

/*
 * A finding keeps a light copy of its resource, whose logical ID and Metadata a construct gives only
 * when asked: reports and users that read, spread or serialize findings must still see them.
 */
test("a construct finding's resource gives its logical ID and Metadata to readers, spreads and JSON", () => {
  const stack = new Stack(testApp(), 'Shop');
  const bucket = new s3.Bucket(stack, 'Uploads');
  const l1 = bucket.node.defaultChild as s3.CfnBucket;
  l1.cfnOptions.metadata = { owner: 'shop-team' };
  const finding = new BisChecks().evaluate(stack).find((candidate) => candidate.resource.construct === l1);
  expect(finding).toBeDefined();
  const logicalId = stack.resolve(l1.logicalId);
  expect(finding!.resource.logicalId).toBe(logicalId);
  expect(finding!.resource.metadata).toEqual({ owner: 'shop-team' });
  expect({ ...finding!.resource }).toMatchObject({ logicalId, metadata: { owner: 'shop-team' } });
  expect(
    JSON.parse(JSON.stringify({ ...finding!.resource, stack: undefined, construct: undefined })),
  ).toEqual({
    logicalId,
    type: 'AWS::S3::Bucket',
    path: 'Shop/Uploads/Resource',
    metadata: { owner: 'shop-team' },
  });
});
