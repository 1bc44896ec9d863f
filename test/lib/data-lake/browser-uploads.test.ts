import { Lazy } from 'aws-cdk-lib';
import type { LakeBucketNames, Zone } from '../../../lib/data-lake';
import { synthLake } from './lake-fixture';

/*
 * `browserUploadOrigins`: the landing bucket's CORS rule that lets a page PUT a large file to the
 * upload URL ingest presigns. The rule's shape is exercised by a real browser against an S3-protocol
 * server in test/functions/services/browser-upload-cors.test.ts; here, what the template holds and
 * which props are refused.
 */

function corsOf(lake: ReturnType<typeof synthLake>, zone: Zone): unknown {
  return lake.resourceOf(lake.stack.lake.bucket(zone)).Properties.CorsConfiguration;
}

describe('browserUploadOrigins', () => {
  test('without it no zone bucket has a CORS rule: browsers cannot PUT to upload URLs', () => {
    const lake = synthLake();
    expect([corsOf(lake, 'landing'), corsOf(lake, 'raw'), corsOf(lake, 'curated')]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });

  test('the landing bucket, and only it, allows a PUT of the signed content type from those pages', () => {
    const lake = synthLake({
      browserUploadOrigins: ['https://catalog.example.com', 'http://localhost:8080'],
    });
    expect(corsOf(lake, 'landing')).toEqual({
      CorsRules: [
        {
          Id: 'browser-uploads',
          AllowedMethods: ['PUT'],
          AllowedOrigins: ['https://catalog.example.com', 'http://localhost:8080'],
          AllowedHeaders: ['content-type'],
          ExposedHeaders: ['ETag'],
          MaxAge: 900,
        },
      ],
    });
    expect([corsOf(lake, 'raw'), corsOf(lake, 'curated')]).toEqual([undefined, undefined]);
  });

  test("'*' allows any page: the presigned URL stays the authorisation", () => {
    const lake = synthLake({ browserUploadOrigins: ['*'] });
    expect(corsOf(lake, 'landing')).toMatchObject({ CorsRules: [{ AllowedOrigins: ['*'] }] });
  });

  const prefix = "DataLake 'enterprise' (Lake/Lake): ";
  test.each([
    [
      'an empty list',
      [],
      /browserUploadOrigins must be a non-empty list of page origins .* got an empty list/,
    ],
    ['not a list', 'https://catalog.example.com', /must be a non-empty list .* got "https:\/\/catalog/],
    [
      'a trailing slash',
      ['https://catalog.example.com/'],
      /browserUploadOrigins\[0\] is "https:\/\/catalog.example.com\/": an origin has no path, not even a trailing slash\. Give the origin a browser sends/,
    ],
    [
      'a path',
      ['https://example.com/catalog'],
      /browserUploadOrigins\[0\] is "https:\/\/example.com\/catalog"/,
    ],
    [
      'plain http to another host',
      ['http://catalog.example.com'],
      /plain http is only for localhost and 127.0.0.1/,
    ],
    [
      'uppercase',
      ['https://Catalog.example.com'],
      /browserUploadOrigins\[0\] is "https:\/\/Catalog.example.com": browsers send origins in lowercase/,
    ],
    [
      'no scheme',
      ['catalog.example.com'],
      /browserUploadOrigins\[0\] is "catalog.example.com": it has no scheme/,
    ],
    ['a wildcard host', ['https://*.example.com'], /browserUploadOrigins\[0\] is "https:\/\/\*.example.com"/],
    ['a number', [8080], /browserUploadOrigins\[0\] is number: an origin is a string/],
    [
      'a second entry',
      ['*', 'https://x.example.com:99999'],
      /browserUploadOrigins\[1\] is "https:\/\/x.example.com:99999"/,
    ],
    [
      'the default port',
      ['https://catalog.example.com:443'],
      /browserUploadOrigins\[0\] is "https:\/\/catalog.example.com:443"/,
    ],
    [
      'a repeated origin',
      ['https://a.example.com', 'https://a.example.com'],
      /lists "https:\/\/a.example.com" twice/,
    ],
  ])('%s is an error that names the entry and the fix', (_what, origins, message) => {
    expect(() => synthLake({ browserUploadOrigins: origins as string[] })).toThrow(message);
    expect(() => synthLake({ browserUploadOrigins: origins as string[] })).toThrow(prefix);
  });

  test('a deploy-time token is refused: the origin must be checked at synth', () => {
    const token = Lazy.string({ produce: () => 'https://catalog.example.com' });
    expect(() => synthLake({ browserUploadOrigins: [token] })).toThrow(
      /browserUploadOrigins\[0\] is a token: a deploy-time token cannot be checked at synth/,
    );
  });

  test('a landing bucket name with dots is refused: its upload URLs would be path-style', () => {
    const bucketNames: LakeBucketNames = {
      landing: 'acme.lake.landing',
      raw: 'acme-lake-raw',
      curated: 'acme-lake-curated',
      accessLogs: 'acme-lake-logs',
      queryResults: 'acme-lake-results',
    };
    expect(() => synthLake({ bucketNames, browserUploadOrigins: ['*'] })).toThrow(
      /browserUploadOrigins needs a landing bucket name without dots: S3 serves "acme.lake.landing" only path-style .* Rename the landing bucket \(bucketNames.landing\)/,
    );
    expect(() => synthLake({ bucketNames })).not.toThrow();
  });
});
