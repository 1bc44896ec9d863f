import { unzipSync, strFromU8 } from 'fflate';
import type { Readable } from 'stream';
import { inflateSync } from 'zlib';
import { readWhole, textPieces } from '../bounded-read';

export interface DocumentFacts {
  pageCount?: number;
  wordCount?: number;
  sheetCount?: number;
  slideCount?: number;
}

/** Words in plain text or Markdown, counted as the stream passes. */
export async function textFacts(body: Readable): Promise<DocumentFacts> {
  let words = 0;
  let inWord = false;
  for await (const piece of textPieces(body)) {
    for (const char of piece) {
      const space = /\s/.test(char);
      if (!space && !inWord) words++;
      inWord = !space;
    }
  }
  return { wordCount: words };
}

/**
 * PDF pages: the page objects (`/Type /Page`), counted in the file and in its compressed object
 * streams, where PDF 1.5 writers put them.
 */
export async function pdfFacts(body: Readable): Promise<DocumentFacts> {
  const bytes = await readWhole(body);
  if (bytes.subarray(0, 5).toString('latin1') !== '%PDF-') throw new Error('it does not start with %PDF-');
  const text = bytes.toString('latin1');
  let pages = countPages(text);
  const streams = /\/Type\s*\/ObjStm[^]*?stream\r?\n/g;
  for (let match = streams.exec(text); match !== null; match = streams.exec(text)) {
    const start = match.index + match[0].length;
    const end = text.indexOf('endstream', start);
    if (end < 0) throw new Error('an object stream has no endstream');
    try {
      pages += countPages(inflateSync(bytes.subarray(start, end)).toString('latin1'));
    } catch {
      throw new Error('an object stream does not inflate');
    }
  }
  if (pages === 0) throw new Error('it holds no page objects');
  return { pageCount: pages };
}

function countPages(text: string): number {
  return (text.match(/\/Type\s*\/Page(?![A-Za-z])/g) ?? []).length;
}

/** Office Open XML and OpenDocument files are ZIPs: words from the body XML, sheets and slides by name. */
export async function officeFacts(
  body: Readable,
  format: 'docx' | 'xlsx' | 'pptx' | 'odt',
): Promise<DocumentFacts> {
  const bytes = await readWhole(body);
  const wanted = format === 'docx' ? 'word/document.xml' : format === 'odt' ? 'content.xml' : undefined;
  let sheets = 0;
  let slides = 0;
  const files = unzipSync(bytes, {
    filter: (file) => {
      if (/^xl\/worksheets\/sheet\d+\.xml$/.test(file.name)) sheets++;
      if (/^ppt\/slides\/slide\d+\.xml$/.test(file.name)) slides++;
      return file.name === wanted;
    },
  });
  if (format === 'xlsx') {
    if (sheets === 0) throw new Error('it has no worksheet (xl/worksheets/sheetN.xml)');
    return { sheetCount: sheets };
  }
  if (format === 'pptx') {
    if (slides === 0) throw new Error('it has no slide (ppt/slides/slideN.xml)');
    return { slideCount: slides };
  }
  const xml = files[wanted!];
  if (xml === undefined) throw new Error(`it has no ${wanted}`);
  const paragraphEnd =
    format === 'docx' ? /<\/w:p>|<w:tab\/>|<w:br\/>/g : /<\/text:[ph]>|<text:s\/>|<text:tab\/>/g;
  const plain = strFromU8(xml)
    .replace(paragraphEnd, ' ')
    .replace(/<[^>]*>/g, '');
  return { wordCount: (decodeEntities(plain).match(/\S+/g) ?? []).length };
}

function decodeEntities(text: string): string {
  return text.replace(/&(lt|gt|amp|quot|apos|#\d+|#x[0-9a-f]+);/gi, ' ');
}
