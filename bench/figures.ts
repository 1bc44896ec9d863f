/*
 * What the benches that report medians with their spread share: reading a whole-number setting from the
 * environment, the median (the mean of the two middle values for an even count) and the spread.
 * pack and scan keep their own upper-middle median, so that their recorded figures mean what they meant.
 */

/** The whole number ≥ 1 in `variable`, `fallback` when unset; anything else ends the bench with exit 2. */
export function positiveSetting(bench: string, variable: string, fallback: number): number {
  const raw = process.env[variable];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) {
    console.error(`${bench}: ${variable}='${raw}' must be a whole number ≥ 1`);
    process.exit(2);
  }
  return value;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** `min–max`, each with `digits` decimals. */
export function spread(values: readonly number[], digits: number): string {
  return `${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)}`;
}
