/**
 * The spec helper's Redis: a real server on a unix socket, restartable on the same socket, stopped by pid.
 */
import { createConnection } from 'node:net';
import { existsSync } from 'node:fs';
import { isAlive } from '../helpers.js';
import { startRedis } from '../helpers/redis.js';

function command(socket: string, line: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const connection = createConnection(socket);
    connection.once('error', reject);
    connection.once('data', (data) => {
      connection.destroy();
      resolve(data.toString());
    });
    connection.write(`${line}\r\n`);
  });
}

test('starts redis-server on a unix socket, restarts it empty on the same socket, and stops it by pid', async () => {
  const redis = await startRedis();
  try {
    expect(await command(redis.socket, 'SET k v')).toBe('+OK\r\n');
    const first = redis.pid;
    await redis.restart();
    expect(redis.pid).not.toBe(first);
    expect(isAlive(first)).toBe(false);
    // No persistence: a restarted server comes back empty, as the fault specs assume.
    expect(await command(redis.socket, 'GET k')).toBe('$-1\r\n');
  } finally {
    await redis.stop();
  }
  expect(isAlive(redis.pid)).toBe(false);
  expect(existsSync(redis.socket)).toBe(false);
});
