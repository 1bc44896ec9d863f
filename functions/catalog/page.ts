import { INLINE_LIMIT_BYTES } from '../ingest';

/*
 * The browser window of the lake: one HTML page, one stylesheet and one script, served as they are
 * (no build step). Every piece of user data reaches the DOM through textContent, never as markup.
 */

/**
 * Only the page's own script, style and API: no inline code, no third-party origin, no framing. The one
 * other origin the page may reach is where large files go: the upload URLs ingest signs. On the dev
 * server they are same-origin; deployed, they are the landing bucket's (`uploadOrigins`), and the
 * bucket's CORS rule (`DataLakeProps.browserUploadOrigins`) must list the page's origin in return.
 */
export function contentSecurityPolicy(uploadOrigins: readonly string[] = []): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    ["connect-src 'self'", ...uploadOrigins].join(' '),
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The policy of a catalog whose upload URLs are all same-origin, as on the dev server. */
export const CONTENT_SECURITY_POLICY = contentSecurityPolicy();

export const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Data lake catalog</title>
<link rel="stylesheet" href="/app.css">
<script src="/app.js" defer></script>
</head>
<body>
<header><h1>Data lake catalog</h1></header>
<main>
<section aria-labelledby="upload-title">
<h2 id="upload-title">Upload a file</h2>
<form id="upload">
<p><label for="upload-dataset">Dataset</label>
<input id="upload-dataset" name="dataset" required pattern="[a-z0-9\\-]{1,63}" value="samples" aria-describedby="dataset-help">
<small id="dataset-help">Lower-case letters, digits and hyphens.</small></p>
<p><label for="upload-file">File</label>
<input id="upload-file" name="file" type="file" required></p>
<p><button type="submit">Upload</button></p>
<p id="upload-status" role="status" aria-live="polite"></p>
</form>
</section>
<section aria-labelledby="datasets-title">
<h2 id="datasets-title">Datasets</h2>
<p><label for="search">Search file names</label>
<input id="search" type="search"></p>
<p><label for="kind-filter">Kind</label>
<select id="kind-filter">
<option value="">All kinds</option>
<option value="structured">Structured</option>
<option value="multimedia">Multimedia</option>
<option value="documents">Documents</option>
<option value="geographic">Geographic</option>
</select></p>
<div id="datasets" aria-live="polite"></div>
</section>
</main>
</body>
</html>
`;

export const PAGE_CSS = `*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,sans-serif;color:#1b1b1b;background:#fafafa}
header,main{max-width:60rem;margin:0 auto;padding:0 1rem}
h1{font-size:1.5rem}
section{margin:1rem 0}
label{display:block;font-weight:600}
input,select,button{font:inherit;max-width:100%}
button{padding:.5rem 1rem;background:#0b5394;color:#fff;border:0;border-radius:4px;cursor:pointer}
button:focus,input:focus,select:focus,a:focus{outline:3px solid #f4b400;outline-offset:2px}
.dataset{background:#fff;border:1px solid #ccc;border-radius:6px;padding:.5rem 1rem;margin:1rem 0}
.document{border-top:1px solid #ddd;padding:.5rem 0;overflow-wrap:anywhere}
.document h4{margin:.25rem 0}
.kind{display:inline-block;padding:0 .5rem;border-radius:1rem;background:#e8eaf6;color:#1a237e}
.unreadable{color:#8b0000}
dl{display:grid;grid-template-columns:max-content 1fr;gap:0 1rem;margin:.25rem 0}
dt{font-weight:600}
dd{margin:0}
`;

export const PAGE_JS = `'use strict';
const KINDS = ['structured', 'multimedia', 'documents', 'geographic'];
let datasets = [];

function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

function bytes(n) {
  if (n < 1024) return n + ' B';
  if (n < 1048576) return (n / 1024).toFixed(1) + ' KB';
  return (n / 1048576).toFixed(1) + ' MB';
}

function facts(entry) {
  const f = entry.facts || {};
  const rows = [['Kind', entry.kind], ['Format', entry.format], ['Size', bytes(entry.size)], ['Uploaded', entry.uploadedAt]];
  if (entry.status !== 'curated') rows.push(['Status', entry.status + (entry.reason ? ': ' + entry.reason : '')]);
  if (f.bbox) rows.push(['Bounding box', f.bbox.join(', ')]);
  if (f.featureCount !== undefined) rows.push(['Features', String(f.featureCount)]);
  if (f.geometryTypes) rows.push(['Geometry', f.geometryTypes.join(', ')]);
  if (f.crs) rows.push(['CRS', f.crs]);
  if (f.width !== undefined) rows.push(['Dimensions', f.width + ' × ' + f.height + ' px']);
  if (f.capturedAt) rows.push(['Captured', f.capturedAt]);
  if (f.gps) rows.push(['GPS', f.gps.latitude + ', ' + f.gps.longitude]);
  if (f.durationSeconds !== undefined) rows.push(['Duration', f.durationSeconds + ' s']);
  if (f.columns) rows.push(['Columns', f.columns.map((c) => c.name + ' (' + c.type + ')').join(', ')]);
  if (f.rowCount !== undefined) rows.push(['Rows', String(f.rowCount)]);
  if (f.pageCount !== undefined) rows.push(['Pages', String(f.pageCount)]);
  if (f.wordCount !== undefined) rows.push(['Words', String(f.wordCount)]);
  const list = el('dl');
  for (const [name, value] of rows) {
    list.append(el('dt', name), el('dd', value, name === 'Status' ? 'unreadable' : ''));
  }
  return list;
}

function documentView(doc) {
  const item = el('article', undefined, 'document');
  item.dataset.kind = doc.kind;
  item.dataset.fileName = doc.fileName;
  item.append(el('h4', doc.fileName));
  item.append(el('span', doc.kind, 'kind'));
  item.append(facts(doc.current));
  const link = el('a', 'Download ' + doc.fileName);
  link.href = '/download/' + doc.current.key.split('/').map(encodeURIComponent).join('/');
  const linkLine = el('p');
  linkLine.append(link);
  item.append(linkLine);
  const versions = el('ol', undefined, 'versions');
  versions.setAttribute('aria-label', 'Versions of ' + doc.fileName);
  versions.append(el('li', 'Current: ' + doc.current.uploadedAt + ' (sha256 ' + doc.current.sha256.slice(0, 12) + ')', 'current'));
  for (const v of doc.earlier) versions.append(el('li', 'Earlier: ' + v.uploadedAt + ' (sha256 ' + v.sha256.slice(0, 12) + ')', 'earlier'));
  item.append(el('h5', 'Versions'), versions);
  return item;
}

function render() {
  const root = document.getElementById('datasets');
  const search = document.getElementById('search').value.trim().toLowerCase();
  const kind = document.getElementById('kind-filter').value;
  root.replaceChildren();
  if (datasets.length === 0) root.append(el('p', 'No datasets yet: upload a file above.'));
  for (const ds of datasets) {
    const section = el('section', undefined, 'dataset');
    section.setAttribute('aria-label', 'Dataset ' + ds.summary.dataset);
    section.append(el('h3', ds.summary.dataset));
    const counts = KINDS.filter((k) => ds.summary.kinds[k]).map((k) => k + ': ' + ds.summary.kinds[k]).join(', ');
    section.append(el('p', counts + ' · ' + bytes(ds.summary.totalSize) + ' · last update ' + ds.summary.lastUpdate));
    const shown = ds.documents.filter((d) => (!kind || d.kind === kind) && (!search || d.fileName.toLowerCase().includes(search)));
    for (const doc of shown) section.append(documentView(doc));
    if (shown.length === 0) section.append(el('p', 'No file matches the filter.'));
    root.append(section);
  }
}

async function fetchAll(url, field) {
  const items = [];
  let cursor;
  do {
    const response = await fetch(url + (cursor ? '?cursor=' + encodeURIComponent(cursor) : ''));
    if (!response.ok) throw new Error((await response.json()).error);
    const body = await response.json();
    items.push(...body[field]);
    cursor = body.cursor;
  } while (cursor);
  return items;
}

async function load() {
  const summaries = await fetchAll('/api/datasets', 'datasets');
  datasets = await Promise.all(
    summaries.map(async (summary) => ({
      summary,
      documents: await fetchAll('/api/datasets/' + encodeURIComponent(summary.dataset), 'documents'),
    })),
  );
  render();
}

// Ingest refuses inline bodies above its limit, which is never above this; a 413 teaches the real one.
let inlineLimit = ${INLINE_LIMIT_BYTES};

async function errorOf(response) {
  const text = await response.text();
  try {
    const body = JSON.parse(text);
    if (body && typeof body.error === 'string') return body.error;
  } catch (error) {
    // not JSON: an object store or a platform in front of ingest answered
  }
  return 'HTTP ' + response.status + (text ? ': ' + text.slice(0, 200) : '');
}

async function sha256Hex(file, status) {
  if (!window.crypto || !crypto.subtle) {
    throw new Error('this browser cannot compute the SHA-256 here: open the catalog over https:// or at http://localhost');
  }
  status.textContent = 'Computing the SHA-256 of ' + file.name + ' (' + bytes(file.size) + ')' + (file.size > 104857600 ? ': this takes a while for a large file…' : '…');
  const digest = await crypto.subtle.digest('SHA-256', await file.arrayBuffer());
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Origins this page's own CSP refused to connect to: a catalog deployed without its upload origins. */
const refusedByPolicy = new Set();
document.addEventListener('securitypolicyviolation', (violation) => {
  if (violation.effectiveDirective === 'connect-src' && URL.canParse(violation.blockedURI)) refusedByPolicy.add(new URL(violation.blockedURI).origin);
});

/** Why a PUT to the upload URL failed before any answer. A browser tells a script nothing, so name the causes. */
function unreachable(grant) {
  const origin = new URL(grant.url).origin;
  if (refusedByPolicy.has(origin)) {
    return new Error('this page may not send files to ' + origin + ': CATALOG_UPLOAD_ORIGINS of the catalog function must list it (the Content-Security-Policy of the page allows only the origins listed there)');
  }
  return new Error('the upload URL ' + origin + ' did not answer this page. Either the network failed (try again), or the landing bucket has no CORS rule for ' + location.origin + ': browserUploadOrigins of the lake must list it (docs/DATA-LAKE.md, "Browser uploads")');
}

function put(grant, file, status) {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open(grant.method, grant.url);
    for (const [name, value] of Object.entries(grant.headers || {})) request.setRequestHeader(name, value);
    request.upload.onprogress = (progress) => {
      if (progress.lengthComputable) status.textContent = 'Sending ' + file.name + ': ' + Math.floor((100 * progress.loaded) / progress.total) + ' %';
    };
    request.onload = () => resolve(new Response(request.responseText || null, { status: request.status }));
    // The CSP violation event is a task of its own: let it land before naming the cause.
    request.onerror = () => setTimeout(() => reject(unreachable(grant)), 100);
    request.onabort = () => reject(new Error('the upload was cut off: try again'));
    request.send(file);
  });
}

/** A file above the inline limit: declare it, then send it to the upload URL ingest signs for it. */
async function uploadLarge(dataset, file, status) {
  const sha256 = await sha256Hex(file, status);
  status.textContent = 'Asking for an upload URL for ' + file.name + '…';
  const asked = await fetch('/datasets/' + encodeURIComponent(dataset) + '/uploads', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ fileName: file.name, size: file.size, sha256 }),
  });
  if (!asked.ok) throw new Error(await errorOf(asked));
  const grant = await asked.json();
  status.textContent = 'Sending ' + file.name + '…';
  const sent = await put(grant, file, status);
  if (!sent.ok) throw new Error(await errorOf(sent));
  return grant;
}

async function uploadInline(dataset, file) {
  const response = await fetch('/datasets/' + encodeURIComponent(dataset) + '/objects', {
    method: 'POST',
    headers: { 'content-type': file.type || 'application/octet-stream', 'x-file-name': encodeURIComponent(file.name) },
    body: file,
  });
  if (response.status === 413) {
    const body = await response.json().catch(() => ({}));
    inlineLimit = typeof body.inlineLimitBytes === 'number' ? body.inlineLimitBytes : file.size - 1;
    return undefined;
  }
  if (!response.ok) throw new Error(await errorOf(response));
  return response.json();
}

async function waitForCatalog(name, landed, status) {
  status.textContent = 'Uploaded ' + name + ' as ' + landed.kind + '; curating…';
  for (let attempt = 0; attempt < 40; attempt++) {
    await load();
    const found = datasets.some((ds) => ds.documents.some((d) => d.current.key === landed.key || d.earlier.some((v) => v.key === landed.key)));
    if (found) {
      status.textContent = 'Uploaded and curated ' + name + ' (' + landed.kind + ').';
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  status.textContent = 'Uploaded ' + name + '; it is not curated yet, reload later.';
}

async function upload(event) {
  event.preventDefault();
  const status = document.getElementById('upload-status');
  const dataset = document.getElementById('upload-dataset').value;
  const file = document.getElementById('upload-file').files[0];
  if (!file) return;
  try {
    status.textContent = 'Uploading ' + file.name + '…';
    let landed = file.size <= inlineLimit ? await uploadInline(dataset, file) : undefined;
    if (landed === undefined) landed = await uploadLarge(dataset, file, status);
    await waitForCatalog(file.name, landed, status);
  } catch (error) {
    status.textContent = 'Refused: ' + error.message;
  }
}

document.addEventListener('DOMContentLoaded', () => {
  document.getElementById('upload').addEventListener('submit', upload);
  document.getElementById('search').addEventListener('input', render);
  document.getElementById('kind-filter').addEventListener('change', render);
  load().catch((error) => { document.getElementById('datasets').textContent = 'The catalog could not load: ' + error.message; });
});
`;
