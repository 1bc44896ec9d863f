// functions-framework's own rule; checked here so the error names the adapter and says what is allowed.
const FUNCTION_NAME = /^[A-Za-z](?:[-_A-Za-z0-9]{0,61}[A-Za-z0-9])?$/;

export function requireFunctionName(name: unknown, adapter: string): string {
  if (typeof name === 'string' && FUNCTION_NAME.test(name)) return name;
  throw new Error(
    `${adapter}: the function name ${JSON.stringify(name)} is invalid; use 1 to 63 letters, digits, '-' or '_', ` +
      'starting with a letter and ending with a letter or digit (it is the --target of functions-framework)',
  );
}

/** Cloud Run's request timeout, which functions-framework also reads. @default - none (no deadline) */
export function platformTimeoutMs(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const seconds = Number(env.CLOUD_RUN_TIMEOUT_SECONDS);
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined;
}
