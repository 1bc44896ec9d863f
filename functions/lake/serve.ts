import { getTestServer } from '@google-cloud/functions-framework/testing';
import type { RequestListener, Server } from 'http';
import type { AddressInfo } from 'net';
import { createLogger, gcpHttp, logLevelFromEnvironment } from '../runtime';
import type { HttpHandler, Logger, ObjectStore } from '../runtime';
import { lakeRouter } from './router';
import { LocalLake } from './local-lake';
import { isUploadPath, signedUpload, type UploadListener } from './signed-upload';

/** The one functions-framework target that `npm start` serves. */
export const LAKE_TARGET = 'lake';

export interface ServeLakeProps {
  readonly lakeDir: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** @default - JSON lines on stdout, at the level BIS_LOG_LEVEL sets (info) */
  readonly log?: Logger;
}

export interface LakeServer {
  readonly url: string;
  readonly lake: LocalLake;
  /** Stops accepting, lets in-flight requests and curations finish, then resolves. */
  close(): Promise<void>;
}

export async function serveLake(props: ServeLakeProps): Promise<LakeServer> {
  const host = props.host ?? '127.0.0.1';
  // The lake's own lines (curate, sweeps) follow BIS_LOG_LEVEL as the requests' lines do.
  const log = props.log ?? createLogger({ level: logLevelFromEnvironment() });
  // The upload URLs need the server's address, known once it listens: the stores are filled in then.
  const stores: Record<string, ObjectStore> = {};
  let route: HttpHandler = () => Response.json({ error: 'the lake is starting' }, { status: 503 });
  let upload: UploadListener = (_req, res) => {
    res.writeHead(503, { 'content-type': 'application/json; charset=utf-8', connection: 'close' });
    res.end(JSON.stringify({ error: 'the lake is starting: send the upload again in a moment' }));
  };
  gcpHttp(LAKE_TARGET, (request, ctx) => route(request, ctx), { stores });
  const server: Server = getTestServer(LAKE_TARGET);
  // Large uploads go around functions-framework, whose body parser would hold the whole body in memory.
  const listeners = server.listeners('request');
  if (listeners.length !== 1) {
    throw new Error(
      `functions-framework's server has ${listeners.length} request listeners, not its one express app; pin @google-cloud/functions-framework 5.0.5`,
    );
  }
  const framework = listeners[0] as RequestListener;
  server.removeAllListeners('request');
  server.on('request', (req, res) => (isUploadPath(req.url) ? upload(req, res) : framework(req, res)));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(props.port, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host === '0.0.0.0' ? 'localhost' : host}:${port}`;
  const lake = new LocalLake({ lakeDir: props.lakeDir, publicBaseUrl: url, log });
  Object.assign(stores, lake.stores);
  route = lakeRouter({ publicBaseUrl: url });
  upload = signedUpload(lake, log);
  await lake.catchUp();
  return {
    url,
    lake,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await lake.settled();
    },
  };
}
