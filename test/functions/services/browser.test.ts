import axe from 'axe-core';
import { createHash } from 'crypto';
import { existsSync, mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import type { Browser, Page } from 'playwright-core';
import { launchDebianChromium } from './debian-chromium';
import { geoJson, jpegWithGps } from '../../fixtures/services/samples';
import { exitOf, killLake, npmStart, type StartedLake } from './npm-start';

/*
 * The lake in a real browser: `npm start` as a child process on a free port, headless Debian Chromium
 * driven by playwright-core, uploads through the page, and axe-core on the result, on a desktop and on
 * a 360 px phone.
 */

const XSS_NAME = '<img src=x onerror=alert(1)>.csv';

let lake: StartedLake;
let baseUrl: string;
let browser: Browser;

beforeAll(async () => {
  lake = await npmStart(mkdtempSync(join(tmpdir(), 'lake-e2e-')));
  baseUrl = lake.url;
  browser = await launchDebianChromium();
});

afterAll(async () => {
  await browser?.close();
  await killLake(lake);
});

async function upload(
  page: Page,
  dataset: string,
  name: string,
  mimeType: string,
  buffer: Buffer,
): Promise<void> {
  await page.getByLabel('Dataset', { exact: true }).fill(dataset);
  await page.getByLabel('File', { exact: true }).setInputFiles({ name, mimeType, buffer });
  await page.getByRole('button', { name: 'Upload' }).click();
  await page
    .getByRole('status')
    .filter({ hasText: `Uploaded and curated ${name}` })
    .waitFor({ timeout: 10_000 });
}

function documentCard(page: Page, dataset: string, name: string) {
  return page
    .getByRole('region', { name: `Dataset ${dataset}` })
    .locator('article')
    .filter({ has: page.getByRole('heading', { name, exact: true }) });
}

describe.each([
  ['a desktop', { width: 1280, height: 800 }, 'desk'],
  ['a 360 px phone', { width: 360, height: 740 }, 'phone'],
])('the catalog page on %s', (_screen, viewport, dataset) => {
  it('uploads GeoJSON and JPEG, shows them curated with one current version, and passes axe-core', async () => {
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await page.goto(baseUrl);

    await upload(page, dataset, 'paths.geojson', 'application/geo+json', Buffer.from(geoJson()));
    await upload(page, dataset, 'photo.jpg', 'image/jpeg', jpegWithGps());
    const paths = documentCard(page, dataset, 'paths.geojson');
    await expect(paths.locator('.kind').textContent()).resolves.toBe('geographic');
    await expect(paths.textContent()).resolves.toContain('Bounding box2.2945, 48.853, 2.3499, 48.8583');
    const photo = documentCard(page, dataset, 'photo.jpg');
    await expect(photo.locator('.kind').textContent()).resolves.toBe('multimedia');
    await expect(photo.textContent()).resolves.toContain('Dimensions16 × 16 px');

    await upload(
      page,
      dataset,
      'paths.geojson',
      'application/geo+json',
      Buffer.from(
        geoJson([
          [1, 2],
          [3, 4],
        ]),
      ),
    );
    await expect(paths.locator('.versions li.current').count()).resolves.toBe(1);
    await expect(paths.locator('.versions li.earlier').count()).resolves.toBe(1);
    await expect(paths.textContent()).resolves.toContain('Bounding box1, 2, 3, 4');

    await upload(page, dataset, XSS_NAME, 'text/csv', Buffer.from('a,b\n1,2\n'));
    await expect(documentCard(page, dataset, XSS_NAME).count()).resolves.toBe(1);
    await expect(page.locator('img').count()).resolves.toBe(0);
    expect(dialogs).toEqual([]);

    const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(scrollWidth).toBeLessThanOrEqual(viewport.width);

    // Runtime.evaluate is not subject to the page's CSP, which (rightly) refuses an injected script tag.
    await page.evaluate(axe.source);
    const violations = await page.evaluate(async () => {
      const result = await (window as unknown as { axe: typeof axe }).axe.run(document);
      return result.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length }));
    });
    expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual([]);
    await context.close();
  });
});

describe('the catalog page with a small inline limit', () => {
  const INLINE_LIMIT = 1024;
  let small: StartedLake;
  let smallLakeDir: string;
  beforeAll(async () => {
    smallLakeDir = mkdtempSync(join(tmpdir(), 'lake-e2e-large-'));
    small = await npmStart(smallLakeDir, { INGEST_INLINE_LIMIT_BYTES: String(INLINE_LIMIT) });
  });
  afterAll(() => killLake(small));

  it('sends a file above the limit to an upload URL, hashed in the browser, and sees it catalogued', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const refusedByCsp: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) refusedByCsp.push(message.text());
    });
    await page.goto(small.url);
    const rows = Array.from({ length: 2000 }, (_, i) => `${i},tree-${i}`).join('\n');
    const csv = Buffer.from(`id,name\n${rows}\n`);
    expect(csv.length).toBeGreaterThan(INLINE_LIMIT * 10);
    await upload(page, 'forest', 'big.csv', 'text/csv', csv);

    const card = documentCard(page, 'forest', 'big.csv');
    await expect(card.locator('.kind').textContent()).resolves.toBe('structured');
    await expect(card.textContent()).resolves.toContain('Rows2000');
    const sha256 = createHash('sha256').update(csv).digest('hex');
    await expect(card.textContent()).resolves.toContain(`sha256 ${sha256.slice(0, 12)}`);
    // The upload-URL route records what was declared; an inline upload leaves no such intent.
    const [key] = await card
      .locator('a')
      .evaluateAll((links) =>
        links.map((link) =>
          decodeURIComponent((link as HTMLAnchorElement).pathname.slice('/download/'.length)),
        ),
      );
    expect(existsSync(join(smallLakeDir, 'landing', '_uploads', `${key}.json`))).toBe(true);
    expect(refusedByCsp).toEqual([]);
    await context.close();
  });

  it('says why a large file is refused, in the status line', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(small.url);
    await page.getByLabel('Dataset', { exact: true }).fill('forest');
    await page.getByLabel('File', { exact: true }).setInputFiles({
      name: 'tool.exe',
      mimeType: 'application/octet-stream',
      buffer: Buffer.alloc(4096, 1),
    });
    await page.getByRole('button', { name: 'Upload' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: 'Refused: the file name "tool.exe" has no extension the lake takes' })
      .waitFor({ timeout: 10_000 });
    await context.close();
  });
});

describe('npm start', () => {
  it('stops cleanly on Ctrl-C: the terminal sends SIGINT to the group, and the lake finishes its work and exits', async () => {
    const exited = exitOf(lake.child);
    process.kill(-lake.child.pid!, 'SIGINT');
    // npm re-raises the signal its script stopped on, so it ends by SIGINT, or 0 where it does not.
    await expect(exited).resolves.toMatch(/^(0|SIGINT)$/);
    expect(lake.output()).toContain('SIGINT: finishing in-flight uploads and curations');
    expect(lake.output()).not.toMatch(/curate failed|"severity":"ERROR"/);
  });
});
