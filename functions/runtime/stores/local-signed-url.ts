import { createHmac, timingSafeEqual } from 'crypto';
import { validateObjectKey } from './keys';

/*
 * Signed URLs for the local store. A URL means something only with a server that answers it (the
 * dev server): the store signs `<base>/_objects/<key>?method=&expires=&signature=`, the server checks
 * it with `verifyLocalSignedUrl` and the same secret.
 */

/** The path segment under the public base URL where a server answers signed object URLs. */
export const LOCAL_OBJECTS_PATH = '_objects';

export interface LocalSignedUrlRequest {
  readonly method: 'GET' | 'PUT';
  readonly key: string;
  /** Unix seconds. */
  readonly expires: number;
  readonly contentType?: string;
  readonly contentLength?: number;
}

/** What the server received: the method, and for PUT the headers the URL may bind. */
export interface LocalIncomingRequest {
  readonly method: string;
  readonly contentType?: string | null;
  readonly contentLength?: number | null;
}

export type LocalSignedUrlVerdict =
  | { readonly valid: true; readonly key: string; readonly method: 'GET' | 'PUT' }
  | { readonly valid: false; readonly reason: string };

function signature(secret: Uint8Array | string, request: LocalSignedUrlRequest): string {
  const signed = [
    request.method,
    request.key,
    String(request.expires),
    request.contentType ?? '',
    request.contentLength === undefined ? '' : String(request.contentLength),
  ].join('\n');
  return createHmac('sha256', secret).update(signed, 'utf8').digest('hex');
}

export function signLocalUrl(
  publicBaseUrl: string,
  secret: Uint8Array | string,
  request: LocalSignedUrlRequest,
): string {
  const url = new URL(publicBaseUrl);
  const encodedKey = request.key.split('/').map(encodeURIComponent).join('/');
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/${LOCAL_OBJECTS_PATH}/${encodedKey}`;
  url.search = '';
  url.searchParams.set('method', request.method);
  url.searchParams.set('expires', String(request.expires));
  if (request.contentType !== undefined) url.searchParams.set('contentType', request.contentType);
  if (request.contentLength !== undefined)
    url.searchParams.set('contentLength', String(request.contentLength));
  url.searchParams.set('signature', signature(secret, request));
  return url.toString();
}

/**
 * Checks a request to a URL made by `LocalObjectStore.signedUrl`: the signature, the expiry, the method
 * and, when the URL binds them, the content type and length. A server answers 403 when it is not valid.
 */
export function verifyLocalSignedUrl(
  url: string | URL,
  incoming: LocalIncomingRequest,
  options: { readonly signingSecret: Uint8Array | string; readonly now?: Date },
): LocalSignedUrlVerdict {
  const parsed = typeof url === 'string' ? new URL(url, 'http://local.invalid') : url;
  const marker = `/${LOCAL_OBJECTS_PATH}/`;
  const at = parsed.pathname.indexOf(marker);
  if (at < 0) return { valid: false, reason: `the path is not under ${marker}` };
  let key: string;
  try {
    key = validateObjectKey(
      parsed.pathname
        .slice(at + marker.length)
        .split('/')
        .map(decodeURIComponent)
        .join('/'),
    );
  } catch (error) {
    return { valid: false, reason: `the key is not valid: ${(error as Error).message}` };
  }
  const query = parsed.searchParams;
  const method = query.get('method');
  if (method !== 'GET' && method !== 'PUT')
    return { valid: false, reason: 'the method parameter is missing' };
  const expires = Number(query.get('expires'));
  if (!Number.isInteger(expires)) return { valid: false, reason: 'the expires parameter is missing' };
  const contentLengthParam = query.get('contentLength');
  const request: LocalSignedUrlRequest = {
    method,
    key,
    expires,
    contentType: query.get('contentType') ?? undefined,
    contentLength: contentLengthParam === null ? undefined : Number(contentLengthParam),
  };
  const expected = Buffer.from(signature(options.signingSecret, request), 'hex');
  const given = Buffer.from(query.get('signature') ?? '', 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { valid: false, reason: 'the signature does not match' };
  }
  if ((options.now ?? new Date()).getTime() > expires * 1000)
    return { valid: false, reason: 'the URL has expired' };
  if (incoming.method.toUpperCase() !== method) {
    return { valid: false, reason: `the URL is signed for ${method}, not ${incoming.method}` };
  }
  if (request.contentType !== undefined && (incoming.contentType ?? undefined) !== request.contentType) {
    return { valid: false, reason: `the URL is signed for content type ${request.contentType}` };
  }
  if (
    request.contentLength !== undefined &&
    (incoming.contentLength ?? undefined) !== request.contentLength
  ) {
    return { valid: false, reason: `the URL is signed for ${request.contentLength} bytes` };
  }
  return { valid: true, key, method };
}
