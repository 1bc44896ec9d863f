/*
 * The cloud SDKs load on first use: a function with S3 stores never evaluates the GCS client, and
 * the reverse. Each cloud's bundle leaves the other cloud's SDK out (PortableFunction on AWS Lambda,
 * `npm run package:gcp` on Google Cloud), so a store of the other cloud configured there anyway
 * fails on first use with what to change, not with a module-resolution stack trace.
 */

/** Which store needs which SDK, and what its error tells a user to do. */
export interface CloudSdkNeed {
  readonly store: string;
  readonly sdk: string;
  /** Which bundle leaves the SDK out, and where. */
  readonly leftOutBy: string;
  /** The setting that fits the cloud the function runs on. */
  readonly instead: string;
}

/** The SDK module, or an error naming the store, the package and the setting to use instead. */
export function loadCloudSdk<T>(load: () => Promise<T>, needed: CloudSdkNeed): Promise<T> {
  return load().catch((error: unknown) => {
    const code = (error as { code?: unknown })?.code;
    if (code !== 'MODULE_NOT_FOUND' && code !== 'ERR_MODULE_NOT_FOUND') throw error;
    throw new Error(
      `${needed.store} needs ${needed.sdk}, which this bundle does not hold (${needed.leftOutBy}): ${needed.instead}, or install ${needed.sdk} beside the function.`,
    );
  });
}
