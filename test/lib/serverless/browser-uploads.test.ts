/*
 * A large upload from the deployed catalog page: the page's CSP must allow the origin of the upload
 * URL ingest presigns, and the landing bucket's CORS rule must allow the page. The stack writes the
 * first as a deploy-time join (no reference to the lake's stack); here it is resolved as CloudFormation
 * would, per Region, and compared with the URL the runtime's S3 store really presigns.
 */
import type { CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { platformStacks } from '../../../bin/platform';
import { createCatalog, uploadOriginsFromEnvironment } from '../../../functions/catalog';
import { S3ObjectStore } from '../../../functions/runtime/stores';
import { testApp } from '../../support';

type Value = string | { Ref: string } | { 'Fn::Join': [string, Value[]] };

function referenceApp(context: Record<string, unknown> = {}) {
  return platformStacks(testApp({ context }));
}

/** A template value with its parameters and pseudo parameters replaced, as CloudFormation does. */
function resolve(value: Value, refs: Record<string, string>): string {
  if (typeof value === 'string') return value;
  if ('Ref' in value) {
    const resolved = refs[value.Ref];
    if (resolved === undefined) throw new Error(`no value given for Ref ${value.Ref}`);
    return resolved;
  }
  const [separator, parts] = value['Fn::Join'];
  return parts.map((part) => resolve(part, refs)).join(separator);
}

const { services } = referenceApp();
const servicesTemplate = Template.fromStack(services).toJSON() as {
  Parameters: Record<string, { Default?: string }>;
  Resources: Record<string, { Properties: { Environment?: { Variables: Record<string, Value> } } }>;
};
const catalogFunction = services.getLogicalId(
  services.catalog.node.findChild('Function').node.defaultChild as CfnElement,
);
const catalogEnvironment = servicesTemplate.Resources[catalogFunction].Properties.Environment!.Variables;
const landingParameter = Object.entries(servicesTemplate.Parameters).find(
  ([, parameter]) => parameter.Default === '/cdk-bis/enterprise/zones/landing/bucket-name',
)![0];

describe("the catalog page's CSP allows the landing bucket's presigned upload URLs", () => {
  beforeAll(() => {
    // The presigner needs credentials to sign; nothing is sent anywhere.
    process.env.AWS_ACCESS_KEY_ID = 'AKIDEXAMPLE';
    process.env.AWS_SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
  });

  test.each([
    ['us-east-1', 'amazonaws.com'],
    ['eu-west-3', 'amazonaws.com'],
    ['cn-north-1', 'amazonaws.com.cn'],
  ])('in %s, CATALOG_UPLOAD_ORIGINS is the origin ingest presigns PUTs with', async (region, suffix) => {
    const bucket = 'acme-lake-landing';
    const origins = resolve(catalogEnvironment.CATALOG_UPLOAD_ORIGINS, {
      [landingParameter]: bucket,
      'AWS::Region': region,
      'AWS::URLSuffix': suffix,
    });
    const landing = new S3ObjectStore({ bucket, kmsKeyId: 'alias/cdk-bis/enterprise', region });
    const url = await landing.signedUrl(`structured/trees/2026/12/02/${'a'.repeat(64)}.csv`, {
      method: 'PUT',
      contentType: 'text/csv',
      contentLength: 30_000_000,
      expiresInSeconds: 900,
    });
    expect(uploadOriginsFromEnvironment({ CATALOG_UPLOAD_ORIGINS: origins })).toEqual([new URL(url).origin]);

    const page = await createCatalog({ uploadOrigins: [origins] })(
      new Request('https://catalog.example.com/'),
      { stores: {} } as never,
    );
    expect(page.headers.get('content-security-policy')).toContain(
      `connect-src 'self' ${new URL(url).origin};`,
    );
  });
});

describe("the reference app's landing bucket lets the catalog page PUT", () => {
  const corsOf = (context: Record<string, unknown>) => {
    const { lake } = referenceApp(context);
    const landing = lake.getLogicalId(lake.lake.bucket('landing').node.defaultChild as CfnElement);
    return Template.fromStack(lake).toJSON().Resources[landing].Properties.CorsConfiguration.CorsRules[0]
      .AllowedOrigins;
  };

  test("from any page by default, as the catalog's URL is known only after the lake is deployed", () => {
    expect(corsOf({})).toEqual(['*']);
  });

  test('from the pages given as cdk-bis:catalogOrigin, e.g. the custom domain of the catalog', () => {
    expect(
      corsOf({ 'cdk-bis:catalogOrigin': 'https://catalog.example.com,https://lake.example.com' }),
    ).toEqual(['https://catalog.example.com', 'https://lake.example.com']);
  });

  test('a malformed cdk-bis:catalogOrigin is the lake error naming the entry', () => {
    expect(() => corsOf({ 'cdk-bis:catalogOrigin': 'https://catalog.example.com/' })).toThrow(
      /browserUploadOrigins\[0\] is "https:\/\/catalog.example.com\/": an origin has no path/,
    );
  });
});
