import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { DataLake, KINDS, type Kind, ZONES, type Zone } from '../../../lib/data-lake';
import { keyArnOf, type SynthesizedLake, synthLake } from './lake-fixture';

const SSE_HEADER = 's3:x-amz-server-side-encryption';
const SSE_KEY_HEADER = 's3:x-amz-server-side-encryption-aws-kms-key-id';

function allBuckets(lake: SynthesizedLake): s3.IBucket[] {
  const { lake: dataLake } = lake.stack;
  return [
    ...ZONES.map((zone) => dataLake.bucket(zone)),
    dataLake.accessLogBucket,
    dataLake.queryResultsBucket,
  ];
}

function lifecycleRules(lake: SynthesizedLake, bucket: s3.IBucket): Record<string, unknown>[] {
  return (lake.resourceOf(bucket).Properties.LifecycleConfiguration as { Rules: Record<string, unknown>[] })
    .Rules;
}

function ruleById(lake: SynthesizedLake, bucket: s3.IBucket, id: string): Record<string, unknown> {
  const rule = lifecycleRules(lake, bucket).find((candidate) => candidate.Id === id);
  if (!rule) throw new Error(`no lifecycle rule ${id}`);
  return rule;
}

describe('DataLake zone buckets', () => {
  const lake = synthLake();

  test.each(ZONES)('%s is encrypted by default with the lake key, with a bucket key', (zone) => {
    expect(lake.resourceOf(lake.stack.lake.bucket(zone)).Properties.BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [
        {
          BucketKeyEnabled: true,
          ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: keyArnOf(lake) },
        },
      ],
    });
  });

  test.each(ZONES)('%s is versioned, private and owner-enforced', (zone) => {
    const properties = lake.resourceOf(lake.stack.lake.bucket(zone)).Properties;
    expect(properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(properties.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
    expect(properties.AccessControl).toBeUndefined();
  });

  test.each(ZONES)('%s expires noncurrent versions after 90 days and aborts uploads after 1 day', (zone) => {
    expect(ruleById(lake, lake.stack.lake.bucket(zone), 'versions-and-uploads')).toEqual({
      Id: 'versions-and-uploads',
      Status: 'Enabled',
      NoncurrentVersionExpiration: { NoncurrentDays: 90 },
      AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
      ExpiredObjectDeleteMarker: true,
    });
  });

  test.each(ZONES)('%s logs server access to the log bucket under its own prefix', (zone) => {
    expect(lake.resourceOf(lake.stack.lake.bucket(zone)).Properties.LoggingConfiguration).toEqual({
      DestinationBucketName: { Ref: lake.idOf(lake.stack.lake.accessLogBucket) },
      LogFilePrefix: `${zone}/`,
    });
  });

  test('landing objects expire after 30 days by default', () => {
    const landing = lake.stack.lake.bucket('landing');
    expect(ruleById(lake, landing, 'landing-expiry')).toEqual({
      Id: 'landing-expiry',
      Status: 'Enabled',
      ExpirationInDays: 30,
    });
    expect(lifecycleRules(lake, landing)).toHaveLength(2);
  });

  test('raw objects move to Standard-IA after 30 days, then Glacier Instant Retrieval after 90', () => {
    const raw = lake.stack.lake.bucket('raw');
    expect(ruleById(lake, raw, 'raw-tiering')).toEqual({
      Id: 'raw-tiering',
      Status: 'Enabled',
      Transitions: [
        { StorageClass: 'STANDARD_IA', TransitionInDays: 30 },
        { StorageClass: 'GLACIER_IR', TransitionInDays: 90 },
      ],
    });
    expect(lifecycleRules(lake, raw).some((rule) => 'ExpirationInDays' in rule)).toBe(false);
  });

  test('curated multimedia, and only multimedia, moves to Intelligent-Tiering at once', () => {
    const curated = lake.stack.lake.bucket('curated');
    expect(ruleById(lake, curated, 'curated-multimedia-tiering')).toEqual({
      Id: 'curated-multimedia-tiering',
      Status: 'Enabled',
      Prefix: 'multimedia/',
      Transitions: [{ StorageClass: 'INTELLIGENT_TIERING', TransitionInDays: 0 }],
    });
    expect(lifecycleRules(lake, curated)).toHaveLength(2);
    expect(lifecycleRules(lake, curated).some((rule) => 'ExpirationInDays' in rule)).toBe(false);
  });

  test('EventBridge notifications are on for the landing bucket only', () => {
    lake.template.resourceCountIs('Custom::S3BucketNotifications', 1);
    lake.template.hasResourceProperties('Custom::S3BucketNotifications', {
      BucketName: { Ref: lake.idOf(lake.stack.lake.bucket('landing')) },
      NotificationConfiguration: { EventBridgeConfiguration: {} },
    });
  });

  test('no bucket has Object Lock by default', () => {
    for (const bucket of allBuckets(lake)) {
      expect(lake.resourceOf(bucket).Properties.ObjectLockEnabled).toBeUndefined();
      expect(lake.resourceOf(bucket).Properties.ObjectLockConfiguration).toBeUndefined();
    }
  });

  test.each(ZONES)('%s denies a PutObject that asks for another encryption than SSE-KMS', (zone) => {
    expect(lake.zonePolicyStatements(zone)).toContainEqual({
      Sid: 'DenyEncryptionOtherThanKms',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 's3:PutObject',
      Resource: {
        'Fn::Join': ['', [{ 'Fn::GetAtt': [lake.idOf(lake.stack.lake.bucket(zone)), 'Arn'] }, '/*']],
      },
      // A header-less PutObject falls to the default encryption (the lake key) and is allowed.
      Condition: { StringNotEqualsIfExists: { [SSE_HEADER]: 'aws:kms' }, Null: { [SSE_HEADER]: 'false' } },
    });
  });

  test.each(ZONES)('%s denies an SSE-KMS PutObject that names another key, or no key', (zone) => {
    expect(lake.zonePolicyStatements(zone)).toContainEqual({
      Sid: 'DenyKmsKeyOtherThanLakeKey',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 's3:PutObject',
      Resource: {
        'Fn::Join': ['', [{ 'Fn::GetAtt': [lake.idOf(lake.stack.lake.bucket(zone)), 'Arn'] }, '/*']],
      },
      Condition: {
        StringEquals: { [SSE_HEADER]: 'aws:kms' },
        StringNotEqualsIfExists: { [SSE_KEY_HEADER]: keyArnOf(lake) },
      },
    });
  });

  test('zone bucket policies allow nothing: every statement is a Deny', () => {
    for (const zone of ZONES) {
      for (const statement of lake.zonePolicyStatements(zone)) expect(statement.Effect).toBe('Deny');
    }
  });
});

describe('DataLake TLS', () => {
  const lake = synthLake();
  const policyStatementsOf = (bucket: s3.IBucket): Record<string, unknown>[] => {
    const id = lake.idOf(bucket);
    const policy = Object.values(lake.template.findResources('AWS::S3::BucketPolicy')).find(
      (candidate) => (candidate.Properties.Bucket as { Ref?: string }).Ref === id,
    );
    return policy?.Properties.PolicyDocument.Statement ?? [];
  };

  test('every bucket denies requests without TLS and below TLS 1.2', () => {
    for (const bucket of allBuckets(lake)) {
      const arn = { 'Fn::GetAtt': [lake.idOf(bucket), 'Arn'] };
      const resources = [arn, { 'Fn::Join': ['', [arn, '/*']] }];
      const statements = policyStatementsOf(bucket);
      expect(statements).toContainEqual({
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: 's3:*',
        Resource: resources,
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      });
      expect(statements).toContainEqual({
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: 's3:*',
        Resource: resources,
        Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } },
      });
    }
  });
});

describe('DataLake key', () => {
  const lake = synthLake();

  test('is customer-managed, rotated, and aliased alias/cdk-bis/<lakeName>', () => {
    expect(lake.resourceOf(lake.stack.lake.key).Properties.EnableKeyRotation).toBe(true);
    lake.template.resourceCountIs('AWS::KMS::Key', 1);
    lake.template.resourceCountIs('AWS::KMS::Alias', 1);
    lake.template.hasResourceProperties('AWS::KMS::Alias', {
      AliasName: 'alias/cdk-bis/enterprise',
      TargetKeyId: keyArnOf(lake),
    });
  });

  const accountRoot = {
    'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':root']],
  };
  const keyStatements = (of: SynthesizedLake): Record<string, unknown>[] =>
    (of.resourceOf(of.stack.lake.key).Properties.KeyPolicy as { Statement: Record<string, unknown>[] })
      .Statement;

  test('its policy names no public principal in an Allow, and grants no kms:* at all', () => {
    const allows = keyStatements(lake).filter((statement) => statement.Effect === 'Allow');
    expect(allows.map((statement) => statement.Principal)).toEqual([
      { AWS: accountRoot },
      { AWS: accountRoot },
      { AWS: accountRoot },
    ]);
    expect(allows.flatMap((statement) => statement.Action as string[])).not.toContain('kms:*');
  });

  test('the account administers the key but uses it and grants it only through S3 and DynamoDB in its own Region and account, grants for AWS resources only', () => {
    const [administration, use, grants] = keyStatements(lake);
    expect(administration).toMatchObject({ Sid: 'AllowKeyAdministrationByAccount', Effect: 'Allow' });
    expect(administration.Action).toEqual(expect.arrayContaining(['kms:ScheduleKeyDeletion', 'kms:Put*']));
    expect(administration.Action).not.toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^kms:(Decrypt|Encrypt|GenerateDataKey|ReEncrypt|Create\*|CreateGrant)/),
      ]),
    );
    const throughLakeServices = {
      'kms:ViaService': [
        { 'Fn::Join': ['', ['s3.', { Ref: 'AWS::Region' }, '.amazonaws.com']] },
        { 'Fn::Join': ['', ['dynamodb.', { Ref: 'AWS::Region' }, '.amazonaws.com']] },
      ],
      'kms:CallerAccount': { Ref: 'AWS::AccountId' },
    };
    expect(use).toEqual({
      Sid: 'AllowKeyUseOnlyThroughS3AndDynamoDB',
      Effect: 'Allow',
      Principal: { AWS: accountRoot },
      Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*'],
      Resource: '*',
      Condition: { StringEquals: throughLakeServices },
    });
    expect(grants).toEqual({
      Sid: 'AllowGrantsOnlyForS3AndDynamoDB',
      Effect: 'Allow',
      Principal: { AWS: accountRoot },
      Action: 'kms:CreateGrant',
      Resource: '*',
      Condition: { StringEquals: throughLakeServices, Bool: { 'kms:GrantIsForAWSResource': 'true' } },
    });
  });
});

describe('DataLake deletion', () => {
  const notTheAccountRoot = {
    ArnNotEquals: {
      'aws:PrincipalArn': {
        'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':root']],
      },
    },
  };
  const bucketPolicyOf = (of: SynthesizedLake, bucket: s3.IBucket): Record<string, unknown>[] => {
    const bucketId = of.idOf(bucket);
    const policy = Object.values(of.template.findResources('AWS::S3::BucketPolicy')).find(
      (candidate) => (candidate.Properties.Bucket as { Ref?: string }).Ref === bucketId,
    );
    return (policy?.Properties.PolicyDocument.Statement ?? []) as Record<string, unknown>[];
  };
  const keyPolicyOf = (of: SynthesizedLake): Record<string, unknown>[] =>
    (of.resourceOf(of.stack.lake.key).Properties.KeyPolicy as { Statement: Record<string, unknown>[] })
      .Statement;

  test('a retained lake lets nobody but the account root delete any of its buckets', () => {
    const lake = synthLake();
    for (const bucket of allBuckets(lake)) {
      expect(bucketPolicyOf(lake, bucket)).toContainEqual({
        Sid: 'DenyBucketDeletionExceptAccountRoot',
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: 's3:DeleteBucket',
        Resource: { 'Fn::GetAtt': [lake.idOf(bucket), 'Arn'] },
        Condition: notTheAccountRoot,
      });
    }
  });

  test('a retained lake lets nobody but the account root schedule the key for deletion', () => {
    expect(keyPolicyOf(synthLake())).toContainEqual({
      Sid: 'DenyKeyDeletionExceptAccountRoot',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 'kms:ScheduleKeyDeletion',
      Resource: '*',
      Condition: notTheAccountRoot,
    });
  });

  test('a lake allowed to be destroyed has no deletion denials: CloudFormation must delete it', () => {
    const lake = synthLake(
      { removalPolicy: RemovalPolicy.DESTROY },
      { 'cdk-bis:allowDataDestruction': true },
    );
    const sids = [
      ...allBuckets(lake).flatMap((bucket) => bucketPolicyOf(lake, bucket)),
      ...keyPolicyOf(lake),
    ].map((statement) => statement.Sid);
    expect(sids).not.toContain('DenyBucketDeletionExceptAccountRoot');
    expect(sids).not.toContain('DenyKeyDeletionExceptAccountRoot');
  });
});

describe('DataLake retention', () => {
  const lake = synthLake();

  test('every bucket and the key are retained on delete and on replacement by default', () => {
    for (const construct of [...allBuckets(lake), lake.stack.lake.key]) {
      expect(lake.resourceOf(construct)).toMatchObject({
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
      });
    }
    expect(lake.stack.lake.removalPolicy).toBe('retain');
    lake.template.resourceCountIs('Custom::S3AutoDeleteObjects', 0);
  });
});

describe('DataLake access-log bucket', () => {
  const lake = synthLake();
  const logBucket = lake.stack.lake.accessLogBucket;

  test('is SSE-S3 encrypted, because S3 delivers server access logs only there', () => {
    expect(lake.resourceOf(logBucket).Properties.BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
    });
  });

  test('is versioned, private, owner-enforced, and keeps logs 365 days by default', () => {
    const properties = lake.resourceOf(logBucket).Properties;
    expect(properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(properties.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
    expect(lifecycleRules(lake, logBucket)).toEqual([
      {
        Id: 'retention',
        Status: 'Enabled',
        ExpirationInDays: 365,
        NoncurrentVersionExpiration: { NoncurrentDays: 90 },
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
      },
    ]);
  });

  test('accepts logs from the S3 logging service only, each lake bucket under its own prefix', () => {
    const bucketArn = { 'Fn::GetAtt': [lake.idOf(logBucket), 'Arn'] };
    const sources: [s3.IBucket, string][] = [
      ...ZONES.map((zone): [s3.IBucket, string] => [lake.stack.lake.bucket(zone), `/${zone}/*`]),
      [lake.stack.lake.queryResultsBucket, '/query-results/*'],
    ];
    for (const [source, prefix] of sources) {
      lake.template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: lake.idOf(logBucket) },
        PolicyDocument: {
          Statement: Match.arrayWith([
            {
              Effect: 'Allow',
              Principal: { Service: 'logging.s3.amazonaws.com' },
              Action: 's3:PutObject',
              Resource: { 'Fn::Join': ['', [bucketArn, prefix]] },
              Condition: {
                ArnLike: { 'aws:SourceArn': { 'Fn::GetAtt': [lake.idOf(source), 'Arn'] } },
                StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
              },
            },
          ]),
        },
      });
    }
  });

  test('uses a bucket policy, not ACLs, even when the app turns the CDK log-policy flag off', () => {
    const lake = synthLake({}, { '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': false });
    const properties = lake.resourceOf(lake.stack.lake.accessLogBucket).Properties;
    expect(properties.AccessControl).toBeUndefined();
    expect(properties.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
  });
});

describe('DataLake query-results bucket', () => {
  const lake = synthLake();
  const results = lake.stack.lake.queryResultsBucket;

  test('is encrypted with the lake key and expires results after 7 days by default', () => {
    const properties = lake.resourceOf(results).Properties;
    expect(properties.BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [
        {
          BucketKeyEnabled: true,
          ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: keyArnOf(lake) },
        },
      ],
    });
    expect(properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(lifecycleRules(lake, results)).toEqual([
      {
        Id: 'results-expiry',
        Status: 'Enabled',
        ExpirationInDays: 7,
        NoncurrentVersionExpiration: { NoncurrentDays: 1 },
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
      },
    ]);
    expect(properties.LoggingConfiguration).toEqual({
      DestinationBucketName: { Ref: lake.idOf(lake.stack.lake.accessLogBucket) },
      LogFilePrefix: 'query-results/',
    });
  });
});

describe('DataLake props', () => {
  test('landingExpiration sets the landing expiry', () => {
    const lake = synthLake({ landingExpiration: Duration.days(3) });
    expect(ruleById(lake, lake.stack.lake.bucket('landing'), 'landing-expiry').ExpirationInDays).toBe(3);
  });

  test('noncurrentVersionExpiration applies to every zone bucket and the access-log bucket', () => {
    const lake = synthLake({ noncurrentVersionExpiration: Duration.days(400) });
    for (const zone of ZONES) {
      expect(
        ruleById(lake, lake.stack.lake.bucket(zone), 'versions-and-uploads').NoncurrentVersionExpiration,
      ).toEqual({
        NoncurrentDays: 400,
      });
    }
    expect(ruleById(lake, lake.stack.lake.accessLogBucket, 'retention').NoncurrentVersionExpiration).toEqual({
      NoncurrentDays: 400,
    });
  });

  test('accessLogRetention and queryResultsExpiration set their expiries', () => {
    const lake = synthLake({
      accessLogRetention: Duration.days(30),
      queryResultsExpiration: Duration.days(2),
    });
    expect(ruleById(lake, lake.stack.lake.accessLogBucket, 'retention').ExpirationInDays).toBe(30);
    expect(ruleById(lake, lake.stack.lake.queryResultsBucket, 'results-expiry').ExpirationInDays).toBe(2);
  });

  test.each([
    ['GOVERNANCE', 'GOVERNANCE'],
    ['COMPLIANCE', 'COMPLIANCE'],
  ] as const)('rawObjectLock %s locks the raw bucket only', (mode, expected) => {
    const lake = synthLake({ rawObjectLock: { mode, retention: Duration.days(365) } });
    expect(lake.resourceOf(lake.stack.lake.bucket('raw')).Properties).toMatchObject({
      ObjectLockEnabled: true,
      ObjectLockConfiguration: {
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: expected, Days: 365 } },
      },
    });
    for (const bucket of allBuckets(lake).filter(
      (candidate) => candidate !== lake.stack.lake.bucket('raw'),
    )) {
      expect(lake.resourceOf(bucket).Properties.ObjectLockEnabled).toBeUndefined();
    }
  });
});

describe('DataLake members', () => {
  const lake = synthLake();
  const dataLake: DataLake = lake.stack.lake;

  test('bucket(zone) is the zone bucket, one distinct bucket per zone', () => {
    for (const zone of ZONES) expect(dataLake.bucket(zone)).toBe(dataLake.zones[zone]);
    expect(new Set(ZONES.map((zone) => dataLake.bucket(zone))).size).toBe(3);
    expect(Object.keys(dataLake.zones).sort()).toEqual([...ZONES].sort());
  });

  test('prefix(kind) is the kind with a trailing slash', () => {
    expect(KINDS.map((kind) => dataLake.prefix(kind))).toEqual([
      'structured/',
      'multimedia/',
      'documents/',
      'geographic/',
    ]);
  });

  test('an unknown zone or kind is an error that lists the valid ones', () => {
    expect(() => dataLake.bucket('gold' as Zone)).toThrow(/unknown zone "gold".*landing, raw, curated/);
    expect(() => dataLake.bucket('constructor' as Zone)).toThrow(/unknown zone "constructor"/);
    expect(() => dataLake.prefix('video' as Kind)).toThrow(
      /Unknown data kind "video".*structured, multimedia, documents, geographic/,
    );
  });

  test('lakeName is the name given', () => {
    expect(dataLake.lakeName).toBe('enterprise');
  });

  test('the lake holds five buckets: three zones, access logs, query results', () => {
    lake.template.resourceCountIs('AWS::S3::Bucket', 5);
  });
});
