import { join } from 'path';
import { loadTemplate, ScanInputError } from '../../../policies/scan';

/* What the scan tests share: the template fixtures and loading one of them as a scan would. */

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'templates');
export const load = (name: string) => loadTemplate(join(FIXTURES, name), { root: FIXTURES });

/** The error a load throws, as the one line a user reads. */
export function loadError(name: string): string {
  try {
    load(name);
  } catch (error) {
    expect(error).toBeInstanceOf(ScanInputError);
    return (error as ScanInputError).message;
  }
  throw new Error(`${name} loaded without error`);
}
