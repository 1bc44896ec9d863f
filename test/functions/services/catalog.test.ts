import {
  http as catalog,
  CONTENT_SECURITY_POLICY,
  createCatalog,
  uploadOriginsFromEnvironment,
} from '../../../functions/catalog';
import { objectLanded } from '../../../functions/curate';
import { createIngest } from '../../../functions/ingest';
import { localZones } from './local-zones';
import { CSV } from '../../fixtures/services/samples';

async function lakeWith(files: number) {
  const { stores, ctx } = localZones('catalog-');
  const ingest = createIngest();
  const keys: string[] = [];
  for (let i = 0; i < files; i++) {
    const response = await ingest(
      new Request('http://lake.test/datasets/trees/objects', {
        method: 'POST',
        body: `${CSV}row,${i}\n`,
        headers: { 'content-type': 'text/csv', 'x-file-name': `t${i}.csv` },
      }),
      ctx,
    );
    const { key } = (await response.json()) as { key: string };
    const info = await stores.landing.head(key);
    await objectLanded(
      {
        provider: 'local',
        bucket: 'landing',
        key,
        size: info!.size,
        etag: info!.etag,
        time: new Date(),
        eventId: key,
      },
      ctx,
    );
    keys.push(key);
  }
  const get = (path: string, method = 'GET') =>
    catalog(new Request(`http://lake.test${path}`, { method }), ctx);
  return { get, keys };
}

describe('catalog', () => {
  it('serves the page with a strict Content-Security-Policy and no inline script', async () => {
    const { get } = await lakeWith(0);
    const page = await get('/');
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe');
    const html = await page.text();
    expect(html).not.toMatch(/<script>|<style>|\son[a-z]+=/);
    expect(html).toContain('<label for="upload-file">');
  });

  it('lists datasets with counts and size, and pages documents with a cursor', async () => {
    const { get } = await lakeWith(3);
    const datasets = (await (await get('/api/datasets')).json()) as {
      datasets: { dataset: string; objects: number; kinds: object }[];
    };
    expect(datasets.datasets).toEqual([
      expect.objectContaining({ dataset: 'trees', objects: 3, kinds: { structured: 3 } }),
    ]);
    const first = (await (await get('/api/datasets/trees?limit=2')).json()) as {
      documents: unknown[];
      cursor: string;
    };
    expect(first.documents).toHaveLength(2);
    const second = (await (await get(`/api/datasets/trees?limit=2&cursor=${first.cursor}`)).json()) as {
      documents: unknown[];
      cursor?: string;
    };
    expect(second.documents).toHaveLength(1);
    expect(second.cursor).toBeUndefined();
  });

  it('describes one object and streams its download from raw', async () => {
    const { get, keys } = await lakeWith(1);
    const view = (await (await get(`/api/objects/${keys[0]}`)).json()) as {
      entry: { fileName: string };
      current: boolean;
      download: string;
    };
    expect(view).toMatchObject({ entry: { fileName: 't0.csv' }, current: true });
    const download = await get(view.download);
    expect(download.status).toBe(200);
    expect(await download.text()).toBe(`${CSV}row,0\n`);
  });

  it.each([
    ['a bad cursor', '/api/datasets/trees?cursor=zzz', 'GET', 400, /not one this API returned/],
    ['a bad limit', '/api/datasets?limit=0', 'GET', 400, /limit must be/],
    ['an invalid dataset', '/api/datasets/..%2Fetc', 'GET', 400, /dataset name/],
    ['an unknown dataset', '/api/datasets/nothing', 'GET', 404, /no dataset "nothing"/],
    ['a key that is not the lake’s', '/api/objects/..%2Fsecret', 'GET', 404, /not an object key/],
    ['a wrong method', '/api/datasets', 'DELETE', 405, /read with GET/],
    ['an unknown page', '/admin', 'GET', 404, /no such page/],
  ])('answers %s with a JSON error', async (_case, path, method, status, message) => {
    const { get } = await lakeWith(1);
    const response = await get(path, method);
    expect(response.status).toBe(status);
    expect(((await response.json()) as { error: string }).error).toMatch(message);
  });
});

describe("the page's upload origins (CATALOG_UPLOAD_ORIGINS)", () => {
  const LANDING = 'https://acme-lake-landing.s3.eu-west-3.amazonaws.com';

  it('are the one other origin connect-src allows, on every reply', async () => {
    const { ctx } = localZones('catalog-origins-');
    const deployed = createCatalog({ uploadOrigins: [LANDING, 'http://127.0.0.1:4443'] });
    for (const path of ['/', '/app.js', '/api/datasets']) {
      const reply = await deployed(new Request(`http://lake.test${path}`), ctx);
      expect(reply.headers.get('content-security-policy')).toBe(
        CONTENT_SECURITY_POLICY.replace(
          "connect-src 'self'",
          `connect-src 'self' ${LANDING} http://127.0.0.1:4443`,
        ),
      );
    }
  });

  it('are read from the environment, space-separated; unset or blank means same-origin only', () => {
    expect(
      uploadOriginsFromEnvironment({
        CATALOG_UPLOAD_ORIGINS: `  ${LANDING}   https://storage.googleapis.com `,
      }),
    ).toEqual([LANDING, 'https://storage.googleapis.com']);
    expect(uploadOriginsFromEnvironment({})).toEqual([]);
    expect(uploadOriginsFromEnvironment({ CATALOG_UPLOAD_ORIGINS: ' ' })).toEqual([]);
  });

  it.each([
    ['a wildcard', '*'],
    ['a path', `${LANDING}/landing`],
    ['a trailing slash', `${LANDING}/`],
    ['plain http to another host', 'http://acme-lake-landing.s3.eu-west-3.amazonaws.com'],
    ['a CSP keyword', "'unsafe-inline'"],
    ['a default port', `${LANDING}:443`],
    ['a comma-separated list', `${LANDING},https://storage.googleapis.com`],
  ])('%s is refused at cold start, naming the variable', (_what, value) => {
    expect(() => uploadOriginsFromEnvironment({ CATALOG_UPLOAD_ORIGINS: value })).toThrow(
      /^catalog: CATALOG_UPLOAD_ORIGINS holds ".*"; give origins such as https:\/\/my-landing.s3.eu-west-3.amazonaws.com/,
    );
  });

  it('a bad uploadOrigins option is refused when the handler is created', () => {
    expect(() => createCatalog({ uploadOrigins: ['https://example.com/x'] })).toThrow(
      'catalog: uploadOrigins holds "https://example.com/x"',
    );
  });
});
