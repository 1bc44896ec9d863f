import { createHash } from 'crypto';

/**
 * What identifies a finding across runs: the plugin, the rule and the resource's construct path
 * (or `<template>#<logicalId>` for scans). Line numbers move with every edit, so they are left out;
 * a renamed construct gets a new fingerprint, so a baseline never follows it to its new path.
 * SARIF `partialFingerprints` and baseline files both use it.
 */
export function fingerprintOf(finding: {
  readonly plugin: string;
  readonly ruleId: string;
  readonly resourcePath: string;
}): string {
  return createHash('sha256')
    .update(`${finding.plugin}\u0000${finding.ruleId}\u0000${finding.resourcePath}`)
    .digest('hex')
    .slice(0, 32);
}
