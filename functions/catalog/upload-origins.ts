/*
 * Where the page may send large files: the origins of the upload URLs ingest signs. They go into the
 * page's Content-Security-Policy, so a wrong value would silently break uploads or open the page to
 * another host; it is refused at cold start instead, with the variable named.
 */

/** Space-separated origins, e.g. `https://lake-landing.s3.eu-west-3.amazonaws.com`. */
export const UPLOAD_ORIGINS_VARIABLE = 'CATALOG_UPLOAD_ORIGINS';

/** `https://host[:port]`; plain http only on the loopback, where emulators and the dev server run. */
export const UPLOAD_ORIGIN = /^(https:\/\/[a-z0-9.-]+|http:\/\/(localhost|127\.0\.0\.1))(:[0-9]{1,5})?$/;

/** The origins as given, or an error naming `source` and the first entry that is not an origin. */
export function validateUploadOrigins(origins: readonly string[], source: string): string[] {
  for (const origin of origins) {
    // The round trip refuses a port out of range or the scheme's default, which browsers leave out.
    if (typeof origin !== 'string' || !UPLOAD_ORIGIN.test(origin) || new URL(origin).origin !== origin) {
      throw new Error(
        `catalog: ${source} holds ${JSON.stringify(origin)}; give origins such as https://my-landing.s3.eu-west-3.amazonaws.com ` +
          '(https, lowercase, no path or trailing slash; http only for localhost and 127.0.0.1), separated by spaces',
      );
    }
  }
  return [...origins];
}

/** `CATALOG_UPLOAD_ORIGINS` split and checked; unset or empty means same-origin uploads only. */
export function uploadOriginsFromEnvironment(env: NodeJS.ProcessEnv = process.env): string[] {
  const raw = env[UPLOAD_ORIGINS_VARIABLE]?.trim();
  if (raw === undefined || raw === '') return [];
  return validateUploadOrigins(raw.split(/\s+/), UPLOAD_ORIGINS_VARIABLE);
}
