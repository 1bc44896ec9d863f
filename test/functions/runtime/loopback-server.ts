import { getTestServer } from '@google-cloud/functions-framework/testing';
import type { Server } from 'http';
import type { AddressInfo } from 'net';

/** functions-framework's test server for a registered function, on a free loopback port. */
export async function startTestServer(
  name: string,
): Promise<{ baseUrl: string; close: () => Promise<void> }> {
  const server: Server = getTestServer(name);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
