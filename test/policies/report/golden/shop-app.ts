import { type App, NestedStack, Stack, Tags, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { BisChecks } from '../../../../policies';

/*
 * The app behind the golden reports. Its source lines are in the golden files: an edit here
 * means `UPDATE_GOLDEN=1 npx jest test/policies/report/{sarif,junit,markdown,text}`.
 */
export function buildShopApp(app: App): void {
  Validations.of(app).addPlugins(new BisChecks(app));
  Tags.of(app).add('bis:owner', 'shop-team');
  Tags.of(app).add('bis:cost-center', 'cc-1234');
  const shop = new Stack(app, 'Shop');
  new s3.Bucket(shop, 'Uploads', { enforceSSL: true, blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL });
  const jobs = new sqs.Queue(shop, 'Jobs', { enforceSSL: true });
  Validations.of(jobs).acknowledge({
    id: 'BIS::BIS-AV4',
    reason: 'the caller retries failed jobs & keeps <their> state',
  });
  // Always on, with a monthly cost; its made-up subnet also draws a CloudFormation Validate warning.
  new ec2.CfnNatGateway(shop, 'Nat', { subnetId: 'subnet-0abc', allocationId: 'eipalloc-0abc' });
  const workers = new NestedStack(shop, 'Workers');
  new sqs.Queue(workers, 'Backlog', { enforceSSL: true });
}
