import { Duration, Token } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { describeValue } from './errors';

/*
 * Browser uploads to the landing zone. A large file goes from a page straight to S3 through an upload
 * URL that ingest presigns for one key, size and type: a cross-origin PUT, which a browser sends only
 * when the landing bucket's CORS rule lists the page's origin. The signature stays the authorisation;
 * CORS only decides which pages' scripts may use a URL they were given.
 */

/** How long a browser may cache the preflight answer: one upload URL's life (15 minutes). */
const PREFLIGHT_CACHE = Duration.minutes(15);

/**
 * `https://host[:port]`, or `http://` for a page on the developer's own machine. lib/ cannot import
 * functions/, so this restates the catalog's rule for its upload origins; a test holds them equal.
 */
export const BROWSER_ORIGIN = /^(https:\/\/[a-z0-9.-]+|http:\/\/(localhost|127\.0\.0\.1))(:[0-9]{1,5})?$/;

/** What keeps a value from being an origin as a browser sends it, or undefined when it is one. */
function originProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'an origin is a string';
  if (Token.isUnresolved(value)) {
    return 'a deploy-time token cannot be checked at synth; use a literal, e.g. the custom domain of the catalog';
  }
  if (!/^[a-z]+:\/\//i.test(value)) return "it has no scheme; write 'https://' first";
  if (/^http:\/\//.test(value) && !/^http:\/\/(localhost|127\.0\.0\.1)(:|$)/.test(value)) {
    return 'plain http is only for localhost and 127.0.0.1; pages elsewhere are served over https';
  }
  if (/^[a-z]+:\/\/[^/]+\//i.test(value)) return 'an origin has no path, not even a trailing slash';
  if (value !== value.toLowerCase()) return 'browsers send origins in lowercase';
  // The round trip also refuses a port out of range or the scheme's default, which browsers leave out.
  if (!BROWSER_ORIGIN.test(value) || !URL.canParse(value) || new URL(value).origin !== value) {
    return 'it is not an origin a browser sends (a host of letters, digits, dots and hyphens, a port only when not the default)';
  }
  return undefined;
}

/**
 * The origins as given, each `'*'` or an origin a browser sends (`https://host[:port]`, lowercase, no
 * path), or an error naming the entry and the fix.
 */
export function checkedBrowserUploadOrigins(
  origins: unknown,
  landingBucketName: string | undefined,
  fail: (problem: string) => Error,
): string[] {
  if (!Array.isArray(origins) || origins.length === 0) {
    throw fail(
      `browserUploadOrigins must be a non-empty list of page origins such as ['https://catalog.example.com'], got ${Array.isArray(origins) ? 'an empty list' : describeValue(origins)}. ` +
        'Leave it out when no browser uploads large files.',
    );
  }
  origins.forEach((origin: unknown, index) => {
    if (origin === '*') return;
    const problem = originProblem(origin);
    if (problem !== undefined) {
      throw fail(
        `browserUploadOrigins[${index}] is ${describeValue(origin)}: ${problem}. Give the origin a browser sends, ` +
          "'https://host' or 'https://host:port', or '*' for any page.",
      );
    }
  });
  const repeated = origins.find((origin, index) => origins.indexOf(origin) !== index);
  if (repeated !== undefined) {
    throw fail(`browserUploadOrigins lists ${JSON.stringify(repeated)} twice.`);
  }
  if (landingBucketName?.includes('.')) {
    throw fail(
      `browserUploadOrigins needs a landing bucket name without dots: S3 serves ${JSON.stringify(landingBucketName)} ` +
        "only path-style over https, so upload URLs would not have the bucket's own origin that the catalog page allows. " +
        'Rename the landing bucket (bucketNames.landing) or leave browserUploadOrigins out.',
    );
  }
  return [...origins] as string[];
}

/** The landing bucket's CORS rule: a PUT of the signed content type from the listed pages. */
export function browserUploadCorsRule(origins: readonly string[]): s3.CorsRule {
  return {
    id: 'browser-uploads',
    allowedMethods: [s3.HttpMethods.PUT],
    allowedOrigins: [...origins],
    // The page sets only the signed Content-Type; the browser adds Content-Length itself.
    allowedHeaders: ['content-type'],
    exposedHeaders: ['ETag'],
    maxAge: PREFLIGHT_CACHE.toSeconds(),
  };
}
