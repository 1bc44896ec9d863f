import { IngestRefusal } from './refusal';

/** A dataset name: what a bucket path segment, a Glue table prefix and a URL all take as they are. */
export const DATASET_NAME = /^[a-z0-9-]{1,63}$/;
/** S3 and GCS allow 1024 bytes a key; a name of 255 bytes leaves room for the rest and fits every filesystem. */
export const MAX_FILE_NAME_BYTES = 255;

export function validateDatasetName(dataset: string): string {
  if (!DATASET_NAME.test(dataset)) {
    throw new IngestRefusal(
      400,
      `dataset name ${JSON.stringify(dataset)} is invalid: use 1 to 63 lower-case letters, digits and '-', e.g. 'city-trees'`,
    );
  }
  return dataset;
}

/** The original file name from the `X-File-Name` header, which browsers send URL-encoded. */
export function validateFileName(header: string | null): string {
  if (header === null || header.trim() === '') {
    throw new IngestRefusal(
      400,
      `the X-File-Name header is missing: send the file's name, e.g. X-File-Name: trees.csv`,
    );
  }
  let name: string;
  try {
    name = decodeURIComponent(header);
  } catch {
    throw new IngestRefusal(
      400,
      `the X-File-Name header is not valid URL encoding: encode it with encodeURIComponent`,
    );
  }
  if (
    [...name].some(
      (char) => char.charCodeAt(0) < 0x20 || (char.charCodeAt(0) >= 0x7f && char.charCodeAt(0) <= 0x9f),
    )
  ) {
    throw new IngestRefusal(
      400,
      `the file name ${JSON.stringify(name)} holds a control character: rename the file`,
    );
  }
  if (name.includes('/') || name.includes('\\') || name === '.' || name === '..') {
    throw new IngestRefusal(
      400,
      `the file name ${JSON.stringify(name)} is a path: send the name alone (no '/', '\\' or '..'), e.g. trees.csv`,
    );
  }
  if (Buffer.byteLength(name, 'utf8') > MAX_FILE_NAME_BYTES) {
    throw new IngestRefusal(400, `the file name is longer than ${MAX_FILE_NAME_BYTES} bytes: shorten it`);
  }
  return name;
}

/** The extension of a file name, lower case, without the dot; '' when there is none. */
export function extensionOf(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  return dot <= 0 ? '' : fileName.slice(dot + 1).toLowerCase();
}
