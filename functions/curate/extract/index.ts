import type { Readable } from 'stream';
import type { Format } from '../../ingest';
import { csvShape, jsonShape, ndjsonShape, parquetFooter, parquetShape } from './structured';
import { imageFacts, mp4Facts, wavFacts } from './multimedia';
import { officeFacts, pdfFacts, textFacts } from './documents';
import { geoJsonFacts, geoParquetFacts, xmlTrackFacts } from './geographic';

/** What curate learns from an object's content; which fields appear depends on its kind. */
export type Facts = Readonly<Record<string, unknown>>;

/** Opens the object's bytes afresh; each extractor reads what it needs and no more. */
export type OpenBody = () => Promise<Readable>;

/** The metadata of a format, read from its content; throws with a reason when the content is not what it claims. */
export async function extractFacts(format: Format, open: OpenBody): Promise<Facts> {
  switch (format) {
    case 'csv':
      return { ...(await csvShape(await open())) };
    case 'json':
      return { ...(await jsonShape(await open())) };
    case 'ndjson':
      return { ...(await ndjsonShape(await open())) };
    case 'parquet':
      return { ...parquetShape(await parquetFooter(await open())) };
    case 'geoparquet': {
      const footer = await parquetFooter(await open());
      return { ...parquetShape(footer), ...geoParquetFacts(footer) };
    }
    case 'jpeg':
    case 'png':
    case 'gif':
    case 'webp':
      return { ...(await imageFacts(await open(), format)) };
    case 'wav':
      return { ...(await wavFacts(await open())) };
    case 'mp4':
      return { ...(await mp4Facts(await open())) };
    case 'mp3':
      // MP3 has no container header that states a duration; counting frames would read the whole file.
      return {};
    case 'pdf':
      return { ...(await pdfFacts(await open())) };
    case 'docx':
    case 'xlsx':
    case 'pptx':
    case 'odt':
      return { ...(await officeFacts(await open(), format)) };
    case 'txt':
    case 'md':
      return { ...(await textFacts(await open())) };
    case 'geojson':
      return { ...(await geoJsonFacts(await open())) };
    case 'kml':
    case 'gpx':
      return { ...(await xmlTrackFacts(await open(), format)) };
  }
}
