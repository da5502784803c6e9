/**
 * A real Redis for specs: Debian's `redis-server` on a unix socket in a temp directory, with no
 * persistence and no TCP port (nothing listens on the network), stopped by its pid.
 *
 * `restart()` stops it and starts a new one on the same socket, so clients see Redis restart
 * (with an empty dataset, as a server without persistence comes back) for the fault specs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where redis-server is looked up; `.ci/run` installs Debian's package when it is missing. */
const REDIS_SERVER = process.env.REDIS_SERVER ?? 'redis-server';
const READY_TIMEOUT_MS = 5000;

export interface TestRedis {
  /** The unix socket path. */
  readonly socket: string;
  /** `redis+unix://…`-style URL the worker command takes: `unix:///tmp/…/r.sock`. */
  readonly url: string;
  /** The server's pid (changes on restart). */
  readonly pid: number;
  /** Stops the server (SIGKILL: no persistence, nothing to save) and starts a new one on the same socket. */
  restart(): Promise<void>;
  /** Stops the server by pid and removes its directory. */
  stop(): Promise<void>;
}

export async function startRedis(): Promise<TestRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'forkline-redis-'));
  const socket = join(dir, 'r.sock');
  let server = await launch(dir, socket);
  return {
    socket,
    url: `unix://${socket}`,
    get pid() {
      return server.pid ?? -1;
    },
    async restart() {
      await kill(server);
      server = await launch(dir, socket);
    },
    async stop() {
      await kill(server);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function launch(dir: string, socket: string): Promise<ChildProcess> {
  const args = ['--port', '0', '--unixsocket', socket, '--unixsocketperm', '700', '--save', '', '--appendonly', 'no', '--dir', dir];
  const server = spawn(REDIS_SERVER, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  server.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const failed = new Promise<never>((_, reject) => {
    server.once('error', (error) => reject(new Error(`cannot start ${REDIS_SERVER} (apt-get install redis-server): ${error.message}`)));
    server.once('exit', (code) => reject(new Error(`${REDIS_SERVER} exited with ${code} before it answered: ${stderr}`)));
  });
  failed.catch(() => undefined);
  const end = Date.now() + READY_TIMEOUT_MS;
  while (!(await Promise.race([ping(socket), failed]))) {
    if (Date.now() > end) {
      await kill(server);
      throw new Error(`${REDIS_SERVER} did not answer PING on ${socket} within ${READY_TIMEOUT_MS} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  server.removeAllListeners('exit');
  server.removeAllListeners('error');
  server.on('error', () => undefined);
  return server;
}

/** One PING over the socket: true when it answers PONG. */
function ping(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const connection = createConnection(socket);
    const done = (ok: boolean) => {
      connection.destroy();
      resolve(ok);
    };
    connection.once('error', () => done(false));
    connection.once('data', (data) => done(data.toString().startsWith('+PONG')));
    connection.write('PING\r\n');
  });
}

async function kill(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return;
  const exited = new Promise((resolve) => server.once('exit', resolve));
  process.kill(server.pid!, 'SIGKILL');
  await exited;
}
