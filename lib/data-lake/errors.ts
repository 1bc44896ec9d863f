/*
 * The one shape of an error a user causes in the data lake, so every message starts the same way:
 * `DataLake '<lakeName>' (<construct path>): <what is wrong and how to fix it>`.
 */
import { Token } from 'aws-cdk-lib';

/**
 * An error about a lake, at the construct path where the mistake is. `lakeName` is taken as given
 * (it may be the invalid name the error is about).
 */
export function lakeError(lakeName: unknown, path: string, problem: string): Error {
  return new Error(`DataLake ${nameOf(lakeName)} (${path}): ${problem}`);
}

/** A value as a message names it: a literal string quoted, a token or another type by what it is. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return Token.isUnresolved(value) ? 'a token' : JSON.stringify(value);
  return typeof value;
}

/** `unknown zone "gold". Use one of: landing, raw, curated.` */
export function unknownValuesProblem(
  noun: string,
  unknown: readonly unknown[],
  valid: readonly string[],
): string {
  return `unknown ${noun} ${unknown.map((value) => JSON.stringify(value)).join(', ')}. Use one of: ${valid.join(', ')}.`;
}

function nameOf(lakeName: unknown): string {
  if (typeof lakeName === 'string' && !Token.isUnresolved(lakeName)) return `'${lakeName}'`;
  return `<${describeValue(lakeName)}>`;
}
