import { Stack } from 'aws-cdk-lib';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as actions from 'aws-cdk-lib/aws-codepipeline-actions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { isCdkSupportStack } from '../../../../policies/engine/cdk-machinery';
import { evaluateApp, findingsFor, testApp } from '../../harness';

const ENV = { account: '123456789012', region: 'us-east-1' };

/** A pipeline app with no browser entry point whose deploy action runs in another Region. */
function crossRegionPipeline() {
  const app = testApp();
  const stack = new Stack(app, 'Pipeline', { env: ENV });
  const source = new codepipeline.Artifact('Source');
  const pipeline = new codepipeline.Pipeline(stack, 'Delivery', {
    pipelineType: codepipeline.PipelineType.V2,
  });
  pipeline.addStage({
    stageName: 'Source',
    actions: [
      new actions.S3SourceAction({
        actionName: 'Source',
        bucket: s3.Bucket.fromBucketName(stack, 'Sources', 'team-sources'),
        bucketKey: 'app.zip',
        output: source,
      }),
    ],
  });
  pipeline.addStage({
    stageName: 'Deploy',
    actions: [
      new actions.CloudFormationCreateUpdateStackAction({
        actionName: 'Deploy',
        stackName: 'shop',
        templatePath: source.atPath('template.json'),
        adminPermissions: false,
        region: 'eu-west-1',
      }),
    ],
  });
  return app;
}

describe("CodePipeline's cross-region support stacks are pipeline plumbing", () => {
  test('BIS-BA1 reports the pipeline stack, not the support stack CodePipeline adds for another Region', () => {
    const app = crossRegionPipeline();
    const support = app.node.children.filter(
      (child) => child instanceof Stack && child.node.id !== 'Pipeline',
    );
    expect(support.map((stack) => stack.node.id)).toEqual(['cross-region-stack-123456789012:eu-west-1']);
    const findings = evaluateApp(app);
    expect(findingsFor(findings, 'BIS-BA1').map((finding) => finding.path)).toEqual(['Pipeline']);
    // Its replication bucket holds pipeline artifacts, not enterprise data.
    expect(findingsFor(findings, 'BIS-DI1')).toEqual([]);
    // Its key is still judged: the Pipeline's enableKeyRotation fixes it.
    expect(
      findingsFor(findings, 'BIS-TR2').some((finding) => finding.path.startsWith('cross-region-stack-')),
    ).toBe(true);
  });

  test('support stacks are recognised by the ids CodePipeline gives them, in a tree or a scanned file', () => {
    expect(isCdkSupportStack({ path: 'cross-region-stack-123456789012:eu-west-1' })).toBe(true);
    expect(isCdkSupportStack({ path: 'Prod/cross-account-support-stack-210987654321' })).toBe(true);
    expect(
      isCdkSupportStack({ path: 'cdk.out/cross-region-stack-123456789012_eu-west-1.template.json' }),
    ).toBe(true);
    expect(isCdkSupportStack({ path: 'ShopCrossRegionStack' })).toBe(false);
  });
});
