/** Cursor pagination over a list the catalog computed: the cursor is the opaque offset of the next page. */

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

export class PageInputError extends Error {
  public override readonly name = 'PageInputError';
}

export function page<T>(items: readonly T[], query: URLSearchParams): { items: T[]; cursor?: string } {
  const limitText = query.get('limit');
  const limit = limitText === null ? DEFAULT_PAGE_SIZE : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw new PageInputError(`limit must be a whole number from 1 to ${MAX_PAGE_SIZE}`);
  }
  const cursor = query.get('cursor');
  let start = 0;
  if (cursor !== null) {
    const decoded = /^o:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (decoded === null)
      throw new PageInputError(
        `cursor ${JSON.stringify(cursor)} is not one this API returned; start without it`,
      );
    start = Number(decoded[1]);
  }
  const end = start + limit;
  return {
    items: items.slice(start, end),
    cursor: end < items.length ? Buffer.from(`o:${end}`, 'utf8').toString('base64url') : undefined,
  };
}
