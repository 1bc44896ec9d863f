import { literalString, possibleValues, type TemplateValue, valueAt } from '../../engine/template-values';

/*
 * What the actions of an ELBv2 HTTP listener do: BIS-BA3 flags one that serves plaintext, and
 * BIS-BA1 counts it as the browser entry point it is (its plaintext is BA3's finding, not BA1's).
 */

/** Why the actions of an HTTP listener or rule are not a redirect to HTTPS, or undefined when they are. */
export function nonRedirectActions(actions: unknown, property: string): string | undefined {
  const options = possibleValues(actions);
  if (options.length === 0) return `it has no ${property}, so nothing redirects to HTTPS`;
  for (const list of options) {
    if (!Array.isArray(list))
      return `${property} is computed at deploy time, so it is not provably a redirect to HTTPS`;
    const items = list.flatMap((action) => possibleValues(action));
    if (items.some(isRedirectToHttps)) continue;
    const types = items.map((action) => literalString(valueAt(action, 'Type')) ?? 'computed');
    return `its ${property} are ${types.length > 0 ? `'${types.join("', '")}'` : 'empty'}, not a redirect to HTTPS`;
  }
  return undefined;
}

export function isRedirectToHttps(action: TemplateValue): boolean {
  return (
    literalString(valueAt(action, 'Type'))?.toLowerCase() === 'redirect' &&
    literalString(valueAt(action, 'RedirectConfig', 'Protocol')) === 'HTTPS'
  );
}
