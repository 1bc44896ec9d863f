import { Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { BisChecks } from '../../../../policies/bis-checks';
import { ALL_RULES } from '../../../../policies/rules';
import rule from '../../../../policies/rules/tr/CustomerManagedKeyEncryption';
import { templateVerdicts, testApp, verdictsOfTemplate } from '../../harness';

describe('BIS-TR1 on FSx file systems and Backup vaults', () => {
  const key = { Type: 'AWS::KMS::Key', Properties: { EnableKeyRotation: true, KeyPolicy: {} } };

  test('a file system or vault without a key of its own uses an AWS-managed key; with a customer key it complies', () => {
    const template = {
      Resources: {
        Key: key,
        Lustre: { Type: 'AWS::FSx::FileSystem', Properties: { FileSystemType: 'LUSTRE' } },
        OwnedLustre: {
          Type: 'AWS::FSx::FileSystem',
          Properties: { FileSystemType: 'LUSTRE', KmsKeyId: { Ref: 'Key' } },
        },
        Vault: { Type: 'AWS::Backup::BackupVault', Properties: { BackupVaultName: 'v' } },
        OwnedVault: {
          Type: 'AWS::Backup::BackupVault',
          Properties: { BackupVaultName: 'w', EncryptionKeyArn: { 'Fn::GetAtt': ['Key', 'Arn'] } },
        },
      },
    };
    expect(verdictsOfTemplate(rule, template, 'data-platform')).toMatchObject({
      Lustre: 'non-compliant',
      OwnedLustre: 'compliant',
      Vault: 'non-compliant',
      OwnedVault: 'compliant',
    });
    const vault = templateVerdicts(rule, template, 'data-platform').Vault;
    expect(vault).toMatchObject({ message: expect.stringContaining('aws/backup'), level: 'error' });
  });
});

describe('each BIS-TR1 finding prints the fix for its own resource type', () => {
  test("a bucket's fix names S3 and none of the other stores; docs/RULES.md's fix still lists them all", () => {
    const app = testApp();
    new s3.Bucket(new Stack(app, 'Web'), 'Uploads');
    app.synth();
    const others = ALL_RULES.map((candidate) => candidate.id).filter((id) => id !== 'BIS-TR1');
    const report = new BisChecks(undefined, { disable: others }).validateScope(app);
    const fix = report.violations.find((violation) => violation.ruleName === 'BIS-TR1')?.fix ?? '';
    expect(fix).toContain('s3.BucketEncryption.KMS');
    expect(fix).not.toMatch(/dynamodb|efs|opensearch|Timestream|fsx|backup/i);
    for (const store of ['s3.Bucket', 'dynamodb', 'efs', 'opensearch', 'Timestream', 'fsx', 'BackupVault']) {
      expect(rule.fix).toContain(store);
    }
  });
});
