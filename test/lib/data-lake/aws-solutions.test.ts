import { AwsSolutionsChecks } from 'cdk-nag';
import { DataLakeStack } from '../../../lib/data-lake';
import { lakeApp } from './lake-fixture';

test("the DataLakeStack has no cdk-nag AwsSolutions error; the one acknowledgement is on CDK's own handler", () => {
  const app = lakeApp();
  const stack = new DataLakeStack(app, 'Lake', { lakeName: 'enterprise' });
  app.synth();
  const report = new AwsSolutionsChecks().validateScope(app);
  const errors = report.violations.filter((violation) => violation.severity === 'error');
  expect(errors.map((violation) => violation.ruleName)).toEqual([]);
  const acknowledged = stack.node
    .findAll()
    .filter((construct) =>
      construct.node.metadata.some((entry) => entry.type === 'aws:cdk:acknowledged-rules'),
    )
    .map((construct) => construct.node.path);
  expect(acknowledged).toEqual(['Lake/BucketNotificationsHandler050a0587b7544547bf325f094a3db834']);
});
