import { App, CfnResource, Lazy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks, NagRuleCompliance, rules } from 'cdk-nag';
import { BisChecks } from '../../../policies/bis-checks';
import {
  type DataLake,
  DataLakeStack,
  type DataLakeStackProps,
  LakeCrawler,
  type LakeCrawlerOptions,
} from '../../../lib/data-lake';
import { arnInStack, lakeApp, VIA_S3_IN_STACK_REGION } from './lake-fixture';
import { rolePolicyStatements } from '../../support';

type Resource = { Type: string; Properties: Record<string, unknown>; [key: string]: unknown };
type Statement = {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
  Principal?: unknown;
  Sid?: string;
};

interface LakeWithCrawlers {
  readonly app: App;
  readonly stack: DataLakeStack;
  readonly crawlers: LakeCrawler[];
  readonly template: Template;
  resourceOf(construct: { node: { defaultChild?: unknown } } | CfnResource): Resource;
  idOf(construct: { node: { defaultChild?: unknown } } | CfnResource): string;
}

/** A DataLakeStack named 'Lake' (lake 'enterprise'), with the crawlers `add` adds, synthesized. */
function lakeWithCrawlers(
  add: (lake: DataLake) => LakeCrawler[],
  props: Partial<DataLakeStackProps> = {},
  context: Record<string, unknown> = {},
): LakeWithCrawlers {
  const app = lakeApp(context);
  const stack = new DataLakeStack(app, 'Lake', { lakeName: 'enterprise', ...props });
  const crawlers = add(stack.lake);
  const template = Template.fromStack(stack);
  const resources = template.toJSON().Resources as Record<string, Resource>;
  const idOf = (construct: { node: { defaultChild?: unknown } } | CfnResource): string =>
    stack.getLogicalId(
      (CfnResource.isCfnResource(construct) ? construct : construct.node.defaultChild) as CfnResource,
    );
  return { app, stack, crawlers, template, idOf, resourceOf: (construct) => resources[idOf(construct)] };
}

const SALES: LakeCrawlerOptions = { zone: 'curated', kind: 'structured', path: 'sales-orders/' };

const CRAWLER_LOG_GROUPS = arnInStack('logs', ':log-group:/aws-glue/crawlers*');

/** The statements of the identity policies attached to a role. */
function roleStatements(lake: LakeWithCrawlers, role: iam.Role): Statement[] {
  return rolePolicyStatements(lake.template, lake.idOf(role)) as Statement[];
}

function keyStatements(lake: LakeWithCrawlers): Statement[] {
  return (lake.resourceOf(lake.stack.lake.key).Properties.KeyPolicy as { Statement: Statement[] }).Statement;
}

function logsKeyStatements(lake: LakeWithCrawlers): Statement[] {
  return keyStatements(lake).filter((statement) => statement.Sid === 'AllowCloudWatchLogsForGlueCrawlerLogs');
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

describe('crawlers are opt-in', () => {
  test('a default lake has no crawler, no crawler role, no security configuration and no logs key statement', () => {
    const lake = lakeWithCrawlers(() => []);
    lake.template.resourceCountIs('AWS::Glue::Crawler', 0);
    lake.template.resourceCountIs('AWS::Glue::SecurityConfiguration', 0);
    const glueRoles = Object.values(lake.template.findResources('AWS::IAM::Role')).filter((role) =>
      JSON.stringify(role.Properties.AssumeRolePolicyDocument).includes('glue.amazonaws.com'),
    );
    expect(glueRoles).toEqual([]);
    expect(JSON.stringify(keyStatements(lake))).not.toContain('logs.');
  });
});

describe('one crawler', () => {
  const lake = lakeWithCrawlers((dataLake) => [dataLake.addCrawler('SalesOrders', SALES)]);
  const [crawler] = lake.crawlers;
  const curatedBucketArn = { 'Fn::GetAtt': [lake.idOf(lake.stack.lake.bucket('curated')), 'Arn'] };

  test('targets exactly s3://<curated bucket>/structured/sales-orders/ and writes the curated database', () => {
    const properties = lake.resourceOf(crawler.crawler).Properties;
    expect(properties.Targets).toEqual({
      S3Targets: [
        {
          Path: {
            'Fn::Join': [
              '',
              ['s3://', { Ref: lake.idOf(lake.stack.lake.bucket('curated')) }, '/structured/sales-orders/'],
            ],
          },
        },
      ],
    });
    expect(properties.DatabaseName).toBe('enterprise_curated');
    expect(properties.Role).toEqual({ 'Fn::GetAtt': [lake.idOf(crawler.role), 'Arn'] });
    expect(crawler.prefix).toBe('structured/sales-orders/');
    expect(crawler.databaseName).toBe('enterprise_curated');
  });

  test('is named cdk-bis-<lakeName>-<zone>-<kind>-<path>, runs on demand, and has no table prefix by default', () => {
    const properties = lake.resourceOf(crawler.crawler).Properties;
    expect(properties.Name).toBe('cdk-bis-enterprise-curated-structured-sales-orders');
    expect(crawler.crawlerName).toBe('cdk-bis-enterprise-curated-structured-sales-orders');
    expect(properties.Schedule).toBeUndefined();
    expect(properties.TablePrefix).toBeUndefined();
  });

  test('never deletes a table definition: schema changes update the database, vanished objects are only logged', () => {
    expect(lake.resourceOf(crawler.crawler).Properties.SchemaChangePolicy).toEqual({
      UpdateBehavior: 'UPDATE_IN_DATABASE',
      DeleteBehavior: 'LOG',
    });
  });

  test('logs through the lake security configuration, which encrypts CloudWatch logs with the lake key', () => {
    const securityConfigurations = lake.template.findResources('AWS::Glue::SecurityConfiguration');
    expect(Object.keys(securityConfigurations)).toEqual([lake.idOf(crawler.securityConfiguration)]);
    const securityConfiguration = lake.resourceOf(crawler.securityConfiguration);
    expect(securityConfiguration.Properties).toEqual({
      Name: 'cdk-bis-enterprise-crawlers',
      EncryptionConfiguration: {
        CloudWatchEncryption: {
          CloudWatchEncryptionMode: 'SSE-KMS',
          KmsKeyArn: { 'Fn::GetAtt': [lake.idOf(lake.stack.lake.key), 'Arn'] },
        },
      },
    });
    expect(lake.resourceOf(crawler.crawler).Properties.CrawlerSecurityConfiguration).toEqual({
      Ref: lake.idOf(crawler.securityConfiguration),
    });
  });

  test('is deleted with its code even in a retained lake (it holds no data), and waits for its role policy', () => {
    const resource = lake.resourceOf(crawler.crawler);
    expect(resource.DeletionPolicy).toBeUndefined();
    expect(resource.UpdateReplacePolicy).toBeUndefined();
    expect(lake.resourceOf(crawler.securityConfiguration).DeletionPolicy).toBeUndefined();
    expect(resource.DependsOn).toEqual(expect.arrayContaining([lake.idOf(crawler.role)]));
    expect((resource.DependsOn as string[]).some((id) => id.includes('DefaultPolicy'))).toBe(true);
  });

  test('carries the cost-allocation tags', () => {
    expect(lake.resourceOf(crawler.crawler).Properties.Tags).toMatchObject({
      'bis:owner': 'platform',
      'bis:cost-center': 'data-platform',
    });
  });

  test('its role is assumed by glue.amazonaws.com only and has no AWS-managed policy', () => {
    const role = lake.resourceOf(crawler.role).Properties;
    expect(role.AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'glue.amazonaws.com' } },
      ],
    });
    expect(role.ManagedPolicyArns).toBeUndefined();
  });

  test('its role reads the crawled prefix, writes the zone catalog and its own logs, exactly', () => {
    expect(roleStatements(lake, crawler.role)).toEqual([
      {
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: { 'Fn::Join': ['', [curatedBucketArn, '/structured/sales-orders/*']] },
      },
      {
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: curatedBucketArn,
        Condition: { StringLike: { 's3:prefix': ['structured/sales-orders/*', 'structured/sales-orders/'] } },
      },
      {
        Effect: 'Allow',
        Action: 'kms:Decrypt',
        Resource: { 'Fn::GetAtt': [lake.idOf(lake.stack.lake.key), 'Arn'] },
        Condition: VIA_S3_IN_STACK_REGION,
      },
      {
        Effect: 'Allow',
        Action: [
          'glue:GetDatabase',
          'glue:GetTable',
          'glue:GetTables',
          'glue:GetPartition',
          'glue:GetPartitions',
          'glue:BatchGetPartition',
          'glue:CreateTable',
          'glue:UpdateTable',
          'glue:CreatePartition',
          'glue:BatchCreatePartition',
          'glue:UpdatePartition',
          'glue:BatchUpdatePartition',
        ],
        Resource: [
          arnInStack('glue', ':catalog'),
          arnInStack('glue', ':database/enterprise_curated'),
          arnInStack('glue', ':table/enterprise_curated/*'),
        ],
      },
      {
        Effect: 'Allow',
        Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:AssociateKmsKey'],
        Resource: CRAWLER_LOG_GROUPS,
      },
    ]);
  });

  test('its role has no wildcard action, no delete, and no resource wider than the prefix, the database or the log groups', () => {
    const statements = roleStatements(lake, crawler.role);
    const actions = statements.flatMap((statement) => asList(statement.Action) as string[]);
    expect(actions.filter((action) => action.includes('*'))).toEqual([]);
    expect(actions.filter((action) => /Delete/.test(action))).toEqual([]);
    const wildcardResources = statements
      .flatMap((statement) => asList(statement.Resource))
      .filter((resource) => JSON.stringify(resource).includes('*'));
    expect(wildcardResources).toEqual([
      { 'Fn::Join': ['', [curatedBucketArn, '/structured/sales-orders/*']] },
      arnInStack('glue', ':table/enterprise_curated/*'),
      CRAWLER_LOG_GROUPS,
    ]);
  });

  test('the key lets CloudWatch Logs use it only for the account crawler log groups', () => {
    expect(logsKeyStatements(lake)).toEqual([
      {
        Sid: 'AllowCloudWatchLogsForGlueCrawlerLogs',
        Effect: 'Allow',
        Principal: { Service: { 'Fn::Join': ['', ['logs.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } },
        Action: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        Resource: '*',
        Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': CRAWLER_LOG_GROUPS } },
      },
    ]);
  });
});

describe('crawler options', () => {
  test('without a path, the crawler reads and targets the whole kind', () => {
    const lake = lakeWithCrawlers((dataLake) => [
      dataLake.addCrawler('Parcels', { zone: 'raw', kind: 'geographic' }),
    ]);
    const [crawler] = lake.crawlers;
    const rawBucketArn = { 'Fn::GetAtt': [lake.idOf(lake.stack.lake.bucket('raw')), 'Arn'] };
    expect(crawler.crawlerName).toBe('cdk-bis-enterprise-raw-geographic');
    expect(crawler.prefix).toBe('geographic/');
    expect(lake.resourceOf(crawler.crawler).Properties.DatabaseName).toBe('enterprise_raw');
    const statements = roleStatements(lake, crawler.role);
    expect(statements[0].Resource).toEqual({ 'Fn::Join': ['', [rawBucketArn, '/geographic/*']] });
    expect(statements[1].Condition).toEqual({ StringLike: { 's3:prefix': ['geographic/*', 'geographic/'] } });
    expect(statements[3].Resource).toEqual([
      arnInStack('glue', ':catalog'),
      arnInStack('glue', ':database/enterprise_raw'),
      arnInStack('glue', ':table/enterprise_raw/*'),
    ]);
  });

  test('schedule, tablePrefix and crawlerName are passed through', () => {
    const lake = lakeWithCrawlers((dataLake) => [
      dataLake.addCrawler('SalesOrders', {
        ...SALES,
        schedule: 'cron(15 2 * * ? *)',
        tablePrefix: 'sales_',
        crawlerName: 'nightly-sales.v2',
      }),
    ]);
    expect(lake.resourceOf(lake.crawlers[0].crawler).Properties).toMatchObject({
      Name: 'nightly-sales.v2',
      Schedule: { ScheduleExpression: 'cron(15 2 * * ? *)' },
      TablePrefix: 'sales_',
    });
  });

  test('a path without its trailing slash is normalised', () => {
    const lake = lakeWithCrawlers((dataLake) => [
      dataLake.addCrawler('Orders2026', { ...SALES, path: 'sales-orders/year=2026' }),
    ]);
    const [crawler] = lake.crawlers;
    expect(crawler.prefix).toBe('structured/sales-orders/year=2026/');
    expect(crawler.crawlerName).toBe('cdk-bis-enterprise-curated-structured-sales-orders-year-2026');
  });

  test('a default name that would pass 255 characters is shortened with a hash of the path, so it stays unique', () => {
    // The two paths differ only past the point where the name is cut.
    const lake = lakeWithCrawlers((dataLake) => [
      dataLake.addCrawler('A', { ...SALES, path: `${'a'.repeat(120)}/${'x'.repeat(120)}/` }),
      dataLake.addCrawler('B', { ...SALES, path: `${'a'.repeat(120)}/${'x'.repeat(119)}y/` }),
    ]);
    const [first, second] = lake.crawlers.map((crawler) => crawler.crawlerName);
    expect(first).toHaveLength(255);
    expect(second).toHaveLength(255);
    expect(first).toMatch(/^cdk-bis-enterprise-curated-structured-a{120}-x+-[0-9a-f]{8}$/);
    expect(first.slice(0, -8)).toBe(second.slice(0, -8));
    expect(first).not.toBe(second);
  });
});

describe('two crawlers', () => {
  const lake = lakeWithCrawlers((dataLake) => [
    dataLake.addCrawler('SalesOrders', SALES),
    dataLake.addCrawler('Parcels', { zone: 'raw', kind: 'geographic' }),
  ]);

  test('share one security configuration and one logs key statement, and have a role each', () => {
    lake.template.resourceCountIs('AWS::Glue::Crawler', 2);
    lake.template.resourceCountIs('AWS::Glue::SecurityConfiguration', 1);
    expect(lake.crawlers[0].securityConfiguration).toBe(lake.crawlers[1].securityConfiguration);
    expect(logsKeyStatements(lake)).toHaveLength(1);
    expect(lake.idOf(lake.crawlers[0].role)).not.toBe(lake.idOf(lake.crawlers[1].role));
  });

  test('one role cannot read what the other crawls', () => {
    const salesResources = JSON.stringify(roleStatements(lake, lake.crawlers[0].role));
    expect(salesResources).not.toContain('geographic');
    expect(salesResources).not.toContain('enterprise_raw');
  });

  test('two crawlers with one name are refused', () => {
    expect(() =>
      lakeWithCrawlers((dataLake) => [
        dataLake.addCrawler('SalesOrders', SALES),
        dataLake.addCrawler('SalesOrdersAgain', SALES),
      ]),
    ).toThrow(
      `DataLake 'enterprise' (Lake/Lake/SalesOrdersAgain): crawler name "cdk-bis-enterprise-curated-structured-sales-orders" is already used by Lake/Lake/SalesOrders. Give one of them another crawlerName, or crawl another path.`,
    );
  });
});

describe('bad crawler options are errors that name the option, the value and the fix', () => {
  const token = Lazy.string({ produce: () => 'sales-orders/' });
  test.each<[string, Partial<Record<keyof LakeCrawlerOptions, unknown>>, string]>([
    [
      'unknown zone',
      { zone: 'archive' },
      'zone "archive" is not a lake zone. Use one of: landing, raw, curated.',
    ],
    [
      'multimedia kind',
      { kind: 'multimedia' },
      'kind "multimedia" cannot be crawled: multimedia data has no tables to crawl. Use one of: structured, geographic.',
    ],
    [
      'documents kind',
      { kind: 'documents' },
      'kind "documents" cannot be crawled: documents data has no tables to crawl. Use one of: structured, geographic.',
    ],
    [
      'unknown kind',
      { kind: 'tables' },
      'kind "tables" cannot be crawled: it is not a kind of the lake. Use one of: structured, geographic.',
    ],
    [
      'absolute path',
      { path: '/sales-orders/' },
      'path "/sales-orders/" is absolute: give it relative to the kind prefix, e.g. "sales-orders/".',
    ],
    [
      'path with ..',
      { path: 'sales-orders/../../raw/' },
      `path "sales-orders/../../raw/" has a '.' or '..' segment`,
    ],
    [
      'path repeating the kind',
      { path: 'structured/sales-orders/' },
      `path "structured/sales-orders/" repeats the kind prefix: path is relative to 'structured/', so use "sales-orders/".`,
    ],
    ['empty path', { path: '' }, `path "" has an empty segment`],
    ['path with //', { path: 'sales//orders/' }, `path "sales//orders/" has an empty segment`],
    [
      'path with a wildcard',
      { path: 'sales-*/' },
      `path "sales-*/" has a character other than letters, digits, '-', '_', '.', '=' and '/'`,
    ],
    ['token path', { path: token }, 'path a token must be a literal string known at synth'],
    [
      'rate schedule',
      { schedule: 'rate(1 day)' },
      'schedule "rate(1 day)" is a rate() expression, which Glue does not accept. Use cron(',
    ],
    [
      'five-field cron',
      { schedule: 'cron(0 2 * * *)' },
      'schedule "cron(0 2 * * *)" is not a Glue cron expression: use cron(Minutes Hours Day-of-month Month Day-of-week Year), six fields',
    ],
    ['bare cron fields', { schedule: '0 2 * * ? *' }, 'schedule "0 2 * * ? *" is not a Glue cron expression'],
    [
      'cron without ?',
      { schedule: 'cron(0 2 * * * *)' },
      `schedule "cron(0 2 * * * *)" must have '?' in exactly one of Day-of-month (3rd field) and Day-of-week (5th field)`,
    ],
    [
      'uppercase table prefix',
      { tablePrefix: 'Sales-' },
      `tablePrefix "Sales-" is invalid: use 1 to 128 lowercase letters, digits or '_', e.g. 'sales_', or omit it`,
    ],
    ['empty table prefix', { tablePrefix: '' }, 'tablePrefix "" is invalid'],
    [
      'crawler name with a space',
      { crawlerName: 'sales crawler' },
      `crawlerName "sales crawler" is invalid: use a literal of 1 to 255 letters, digits, '-', '_' or '.', or omit it`,
    ],
    ['crawler name too long', { crawlerName: 'c'.repeat(256) }, 'crawlerName "ccc'],
  ])('%s', (_why, options, message) => {
    expect(() =>
      lakeWithCrawlers((dataLake) => [
        dataLake.addCrawler('SalesOrders', { ...SALES, ...options } as LakeCrawlerOptions),
      ]),
    ).toThrow(`DataLake 'enterprise' (Lake/Lake/SalesOrders): ${message}`);
  });

  test('a crawler outside its lake stack is refused', () => {
    const app = lakeApp();
    const lakeStack = new DataLakeStack(app, 'Lake', { lakeName: 'enterprise' });
    const other = new Stack(app, 'Other');
    expect(() => new LakeCrawler(other, 'Stray', { ...SALES, lake: lakeStack.lake })).toThrow(
      "a crawler lives in its lake's stack (Lake), not in Other. Use lake.addCrawler(id, options).",
    );
  });
});

describe('a lake with crawlers and the policy packs', () => {
  const withCrawlers = (lake: DataLake): LakeCrawler[] => [
    lake.addCrawler('SalesOrders', { ...SALES, schedule: 'cron(15 2 * * ? *)' }),
    lake.addCrawler('Parcels', { zone: 'raw', kind: 'geographic' }),
  ];

  test('has zero BisChecks findings of any level', () => {
    const lake = lakeWithCrawlers(withCrawlers);
    lake.app.synth();
    const findings = new BisChecks(undefined).evaluate(lake.app);
    expect(
      findings.map(
        (finding) => `${finding.rule.id} ${finding.level} ${finding.resource.path}: ${finding.message}`,
      ),
    ).toEqual([]);
  });

  test.each([
    ['an environment-agnostic stack', {}],
    ['a stack with an account and a Region', { env: { account: '111111111111', region: 'eu-west-3' } }],
  ])('%s has no cdk-nag AwsSolutions error, and GL1 passes without acknowledgement', (_what, props) => {
    const lake = lakeWithCrawlers(withCrawlers, props);
    lake.app.synth();
    const report = new AwsSolutionsChecks().validateScope(lake.app);
    const errors = report.violations.filter((violation) => violation.severity === 'error');
    expect(errors.map((violation) => violation.ruleName)).toEqual([]);
    for (const crawler of lake.crawlers) {
      expect(rules.glue.GlueEncryptedCloudWatchLogs(crawler.crawler)).toBe(NagRuleCompliance.COMPLIANT);
    }
  });

  test('each crawler role acknowledges exactly the IAM5 findings cdk-nag makes on its policy, nothing else', () => {
    const lake = lakeWithCrawlers(withCrawlers);
    lake.app.synth();
    for (const crawler of lake.crawlers) {
      const policy = crawler.role.node.findChild('DefaultPolicy').node.defaultChild as CfnResource;
      const findings = rules.iam.IAMNoWildcardPermissions(policy) as string[];
      expect(findings).toHaveLength(3);
      const acknowledged = crawler.role.node.metadata
        .filter((entry) => entry.type === 'aws:cdk:acknowledged-rules')
        .flatMap((entry) => Object.keys(entry.data as object))
        .map((id) => id.replace(/^annotation::/i, ''));
      expect(acknowledged.sort()).toEqual(findings.map((finding) => `AwsSolutions-IAM5[${finding}]`).sort());
    }
    const acknowledgedPaths = lake.stack.node
      .findAll()
      .filter((construct) =>
        construct.node.metadata.some((entry) => entry.type === 'aws:cdk:acknowledged-rules'),
      )
      .map((construct) => construct.node.path)
      .sort();
    expect(acknowledgedPaths).toEqual([
      'Lake/BucketNotificationsHandler050a0587b7544547bf325f094a3db834',
      'Lake/Lake/Parcels/Role',
      'Lake/Lake/SalesOrders/Role',
    ]);
  });
});
