/**
 * The scale-out benches' own Redis: Debian's redis-server on a unix socket in a temp directory
 * (no TCP port, no persistence), stopped by its pid. The same recipe as spec/helpers/redis.ts.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Starts redis-server and resolves once it answers PING: `{ socket, url, pid, stop() }`. */
export async function startRedis() {
  const dir = mkdtempSync(join(tmpdir(), 'forkline-bench-redis-'));
  const socket = join(dir, 'r.sock');
  const server = spawn('redis-server', ['--port', '0', '--unixsocket', socket, '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
  const failed = new Promise((_, reject) => {
    server.once('error', (error) => reject(new Error(`cannot start redis-server (apt-get install redis-server): ${error.message}`)));
    server.once('exit', (code) => reject(new Error(`redis-server exited with ${code}`)));
  });
  failed.catch(() => undefined);
  const end = Date.now() + 5000;
  while (!(await Promise.race([ping(socket), failed]))) {
    if (Date.now() > end) throw new Error('redis-server did not answer within 5 s');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  server.removeAllListeners('exit');
  return {
    socket,
    url: `unix://${socket}`,
    pid: server.pid,
    async stop() {
      const exited = new Promise((resolve) => server.once('exit', resolve));
      process.kill(server.pid, 'SIGKILL');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function ping(socket) {
  return new Promise((resolve) => {
    const connection = createConnection(socket);
    const done = (ok) => {
      connection.destroy();
      resolve(ok);
    };
    connection.once('error', () => done(false));
    connection.once('data', (data) => done(data.toString().startsWith('+PONG')));
    connection.write('PING\r\n');
  });
}
