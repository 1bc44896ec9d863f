import { getTestServer } from '@google-cloud/functions-framework/testing';
import type { Server } from 'http';
import type { AddressInfo } from 'net';
import { gcpHttp } from '../runtime';
import type { HttpHandler, Logger, ObjectStore } from '../runtime';
import { lakeRouter } from './router';
import { LocalLake } from './local-lake';

/** The one functions-framework target that `npm start` serves. */
export const LAKE_TARGET = 'lake';

export interface ServeLakeProps {
  readonly lakeDir: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** @default - JSON lines on stdout */
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
  // The upload URLs need the server's address, known once it listens: the stores are filled in then.
  const stores: Record<string, ObjectStore> = {};
  let route: HttpHandler = () => Response.json({ error: 'the lake is starting' }, { status: 503 });
  gcpHttp(LAKE_TARGET, (request, ctx) => route(request, ctx), { stores });
  const server: Server = getTestServer(LAKE_TARGET);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(props.port, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host === '0.0.0.0' ? 'localhost' : host}:${port}`;
  const lake = new LocalLake({ lakeDir: props.lakeDir, publicBaseUrl: url, log: props.log });
  Object.assign(stores, lake.stores);
  route = lakeRouter(lake);
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
