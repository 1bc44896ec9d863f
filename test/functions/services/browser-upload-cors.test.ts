import { createHash, randomBytes } from 'crypto';
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutBucketCorsCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type { CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { Browser } from 'playwright-core';
import { launchDebianChromium } from './debian-chromium';
import S3rver from 's3rver';
import { createCatalog } from '../../../functions/catalog';
import { createIngest } from '../../../functions/ingest';
import { gcpHttp, type HttpHandler, S3ObjectStore } from '../../../functions/runtime';
import { DataLakeStack } from '../../../lib/data-lake';
import { testApp } from '../../support';
import { startTestServer } from '../runtime/loopback-server';

/*
 * A large upload from the catalog page to an upload URL on another origin, as on a deployed lake: the
 * page (ingest and catalog behind one functions-framework target) on one loopback port, the landing
 * bucket on s3rver on another. The bucket's CORS rule is the one DataLake synthesizes for
 * `browserUploadOrigins`, applied with PutBucketCors as CloudFormation applies it; the page's CSP lists
 * the bucket's origin, as LakeServicesStack sets CATALOG_UPLOAD_ORIGINS. Headless Debian Chromium.
 * s3rver checks origins, methods and headers as S3 does, but not signatures.
 */

const LANDING = 'acme-lake-landing';
const CURATED = 'acme-lake-curated';
const INLINE_LIMIT = 1024;

let s3: S3rver;
let directory: string;
let s3Origin: string;
let client: S3Client;
let browser: Browser;
const servers: { close: () => Promise<void> }[] = [];

/** The lake's landing CORS rule for `origins`, from the synthesized template, put on the s3rver bucket. */
async function applyLakeCors(origins: string[]): Promise<void> {
  const stack = new DataLakeStack(testApp(), 'Lake', {
    lakeName: 'enterprise',
    browserUploadOrigins: origins,
  });
  const landing = stack.getLogicalId(stack.lake.bucket('landing').node.defaultChild as CfnElement);
  const rules = Template.fromStack(stack).toJSON().Resources[landing].Properties.CorsConfiguration
    .CorsRules as Record<string, never>[];
  await client.send(
    new PutBucketCorsCommand({
      Bucket: LANDING,
      CORSConfiguration: {
        CORSRules: rules.map((rule) => ({
          ID: rule.Id,
          AllowedMethods: rule.AllowedMethods,
          AllowedOrigins: rule.AllowedOrigins,
          AllowedHeaders: rule.AllowedHeaders,
          ExposeHeaders: rule.ExposedHeaders,
          MaxAgeSeconds: rule.MaxAge,
        })),
      },
    }),
  );
}

/** ingest and a catalog whose CSP allows `uploadOrigins`, on S3 stores, served on a free loopback port. */
async function servePage(name: string, uploadOrigins: string[]): Promise<string> {
  const store = (bucket: string) =>
    new S3ObjectStore({
      bucket,
      kmsKeyId: 'alias/cdk-bis/enterprise',
      endpoint: s3Origin,
      region: 'eu-west-3',
    });
  const ingest = createIngest({ inlineLimitBytes: INLINE_LIMIT });
  const catalog = createCatalog({ uploadOrigins });
  const router: HttpHandler = (request, ctx) =>
    new URL(request.url).pathname.startsWith('/datasets/') ? ingest(request, ctx) : catalog(request, ctx);
  gcpHttp(name, router, {
    stores: { landing: store(LANDING), curated: store(CURATED) },
    writeLog: () => undefined,
  });
  const server = await startTestServer(name);
  servers.push(server);
  return server.baseUrl;
}

async function landedUnder(prefix: string): Promise<string[]> {
  const listed = await client.send(new ListObjectsV2Command({ Bucket: LANDING, Prefix: prefix }));
  return (listed.Contents ?? []).map((object) => object.Key!);
}

/** Uploads `bytes` as `name` through the page at `pageUrl`; the status line once it settles. */
async function uploadThroughPage(
  pageUrl: string,
  dataset: string,
  name: string,
  bytes: Buffer,
): Promise<string> {
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    await page.goto(pageUrl);
    await page.getByLabel('Dataset', { exact: true }).fill(dataset);
    await page
      .getByLabel('File', { exact: true })
      .setInputFiles({ name, mimeType: 'text/csv', buffer: bytes });
    await page.getByRole('button', { name: 'Upload' }).click();
    const status = page.getByRole('status');
    await status.filter({ hasText: /^(Uploaded|Refused)/ }).waitFor({ timeout: 20_000 });
    return (await status.textContent()) ?? '';
  } finally {
    await context.close();
  }
}

const csv = (rows: number): Buffer =>
  Buffer.from(
    `id,value\n${Array.from({ length: rows }, (_, i) => `${i},${randomBytes(8).toString('hex')}`).join('\n')}\n`,
  );

beforeAll(async () => {
  // The SDK signs with these; s3rver accepts any.
  process.env.AWS_ACCESS_KEY_ID = 'S3RVER';
  process.env.AWS_SECRET_ACCESS_KEY = 'S3RVER';
  directory = mkdtempSync(join(tmpdir(), 'bis-cors-'));
  s3 = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory });
  const { port } = await s3.run();
  s3Origin = `http://127.0.0.1:${port}`;
  client = new S3Client({
    endpoint: s3Origin,
    forcePathStyle: true,
    region: 'eu-west-3',
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  for (const bucket of [LANDING, CURATED]) await client.send(new CreateBucketCommand({ Bucket: bucket }));
  browser = await launchDebianChromium();
});

afterAll(async () => {
  await browser?.close();
  await Promise.all(servers.map((server) => server.close()));
  await s3?.close();
  rmSync(directory, { recursive: true, force: true });
});

describe('a large upload from the catalog page to the landing bucket, across origins', () => {
  let pageUrl: string;
  beforeAll(async () => {
    pageUrl = await servePage('lake-cors', [s3Origin]);
    await applyLakeCors([new URL(pageUrl).origin]);
  });

  it("lands the file's exact bytes when the lake's browserUploadOrigins lists the page", async () => {
    const bytes = csv(200);
    expect(bytes.length).toBeGreaterThan(INLINE_LIMIT);
    const status = await uploadThroughPage(pageUrl, 'trees', 'big.csv', bytes);
    expect(status).toMatch(/^Uploaded big\.csv( as structured)?/);

    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const keys = await landedUnder('structured/trees/');
    expect(keys).toEqual([
      expect.stringMatching(new RegExp(`^structured/trees/\\d{4}/\\d{2}/\\d{2}/${sha256}\\.csv$`)),
    ]);
    const stored = await client.send(new GetObjectCommand({ Bucket: LANDING, Key: keys[0] }));
    expect(Buffer.from(await stored.Body!.transformToByteArray()).equals(bytes)).toBe(true);
    expect(stored.ContentType).toBe('text/csv');
  });

  it('names the CORS rule and the origin to list when the page is not listed, and lands nothing', async () => {
    // The same server under another name: http://localhost is another origin than http://127.0.0.1.
    const otherOrigin = pageUrl.replace('127.0.0.1', 'localhost');
    const status = await uploadThroughPage(otherOrigin, 'unlisted', 'big.csv', csv(200));
    expect(status).toBe(
      `Refused: the upload URL ${s3Origin} did not answer this page. Either the network failed (try again), ` +
        `or the landing bucket has no CORS rule for ${new URL(otherOrigin).origin}: browserUploadOrigins of the lake must list it ` +
        '(docs/DATA-LAKE.md, "Browser uploads")',
    );
    await expect(landedUnder('structured/unlisted/')).resolves.toEqual([]);
  });
});

describe("a catalog whose CSP does not list the bucket's origin", () => {
  it('names CATALOG_UPLOAD_ORIGINS, and lands nothing', async () => {
    const pageUrl = await servePage('lake-cors-no-origins', []);
    await applyLakeCors([new URL(pageUrl).origin]);
    const status = await uploadThroughPage(pageUrl, 'blocked', 'big.csv', csv(200));
    expect(status).toBe(
      `Refused: this page may not send files to ${s3Origin}: CATALOG_UPLOAD_ORIGINS of the catalog function must list it ` +
        '(the Content-Security-Policy of the page allows only the origins listed there)',
    );
    await expect(landedUnder('structured/blocked/')).resolves.toEqual([]);
  });
});
