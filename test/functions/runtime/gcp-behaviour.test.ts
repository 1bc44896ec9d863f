import { getTestServer } from '@google-cloud/functions-framework/testing';
import type { Server } from 'http';
import type { AddressInfo } from 'net';
import { http as echo } from '../../../functions/echo';
import { gcpHttp } from '../../../functions/runtime';
import { behaviourTable, compareResponse, sendOverHttp } from './behaviour-table';

gcpHttp('behaviourEcho', echo, { stores: {}, writeLog: () => undefined });

let server: Server;
let baseUrl: string;

beforeAll(async () => {
  server = getTestServer('behaviourEcho');
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe('behaviour table on functions-framework (its test server, on loopback)', () => {
  it.each(behaviourTable.map((row) => [row.name, row] as const))('%s', async (_name, row) => {
    expect(compareResponse(row, 'gcp', await sendOverHttp(baseUrl, row.request))).toEqual([]);
  });
});
