/*
 * The floor for bench:ingest: the least an HTTP server in Node can do to take a file durably, with none of
 * the lake. It receives the body (collected, then joined, as functions-framework's body parser does),
 * hashes it with SHA-256 (the name ingest gives objects), writes it to a temporary file, fsyncs it, renames
 * it to its hash and fsyncs the folder, then answers 201. No routing, classification, metadata or
 * curation. bench/ingest.bench.ts runs it in a child process, as it runs `npm start`, and measures it
 * with the same client: how far ingest is from this floor is the lake's own cost; how far this floor is
 * from a file copy is the cost of HTTP and a userland write on the machine.
 *
 * `streamed` is the other floor: the body goes to the file while it arrives (a write stream, hashed on the
 * way), so the write overlaps the receipt. Neither Lambda nor Cloud Functions can hand a function its
 * body that way (both buffer it, and the portable contract mirrors them), so ingest is held to the
 * buffered floor; the streamed one shows what that contract costs here.
 *
 * Usage: node -r @swc-node/register bench/durable-receive-server.ts <folder> [buffered|streamed];
 * it prints its port.
 */
import { createHash, randomBytes } from 'crypto';
import { createWriteStream } from 'fs';
import { open, rename } from 'fs/promises';
import { createServer, type IncomingMessage } from 'http';
import { join } from 'path';

const [folder, mode = 'buffered'] = process.argv.slice(2);
if (folder === undefined || (mode !== 'buffered' && mode !== 'streamed')) {
  console.error('usage: durable-receive-server.ts <folder> [buffered|streamed]');
  process.exit(2);
}

interface Taken {
  readonly sha256: string;
  readonly size: number;
}

/** Collects the body, then hashes and writes it: what a function handed a buffered body can do. */
function receiveBuffered(req: IncomingMessage, temp: string): Promise<Taken> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.once('error', reject);
    req.once('end', () => {
      const body = Buffer.concat(chunks);
      const sha256 = createHash('sha256').update(body).digest('hex');
      open(temp, 'wx')
        .then(async (file) => {
          try {
            let offset = 0;
            while (offset < body.length) offset += (await file.write(body, offset)).bytesWritten;
          } finally {
            await file.close();
          }
        })
        .then(() => resolve({ sha256, size: body.length }), reject);
    });
  });
}

/** Writes the body to the file as it arrives, hashing each piece on the way. */
function receiveStreamed(req: IncomingMessage, temp: string): Promise<Taken> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    let size = 0;
    const file = createWriteStream(temp, { flags: 'wx', highWaterMark: 1024 * 1024 });
    req.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      size += chunk.length;
    });
    req.once('error', reject);
    file.once('error', reject);
    file.once('finish', () => resolve({ sha256: hash.digest('hex'), size }));
    req.pipe(file);
  });
}

async function takeDurably(req: IncomingMessage): Promise<Taken> {
  const temp = join(folder, `.tmp-${randomBytes(8).toString('hex')}`);
  const taken = await (mode === 'streamed' ? receiveStreamed : receiveBuffered)(req, temp);
  const file = await open(temp, 'r+');
  try {
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(temp, join(folder, taken.sha256));
  const dir = await open(folder, 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
  return taken;
}

const server = createServer((req, res) => {
  takeDurably(req).then(
    (taken) => {
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(JSON.stringify(taken));
    },
    (error: unknown) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: String(error) }));
    },
  );
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`${typeof address === 'object' && address !== null ? address.port : ''}\n`);
});
