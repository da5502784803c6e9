/**
 * Redis connections from what the user passed: a URL (`redis://`, `rediss://` for TLS,
 * `unix:///path/to.sock`), ioredis options (auth, TLS and the rest passed through), or an
 * ioredis instance, which is duplicated so that forkline never closes the user's own.
 */
import { Redis, type RedisOptions } from 'ioredis';

/** Where Redis is: a URL, ioredis options, or an ioredis client (duplicated, never closed by forkline). */
export type RedisConnection = string | RedisOptions | Redis;

/**
 * A new connection. `maxRetriesPerRequest: null` (BullMQ requires it for blocking commands):
 * a command waits out a Redis restart instead of failing after 20 reconnect attempts.
 */
export function connect(connection: RedisConnection): Redis {
  const ours: RedisOptions = { maxRetriesPerRequest: null };
  // Unless the user chose: a closed connection to a Redis that is gone holds the process 200 ms, not ioredis's 2 s.
  const defaults: RedisOptions = { disconnectTimeout: 200 };
  if (connection instanceof Redis) return connection.duplicate(ours);
  if (typeof connection === 'string') {
    if (connection.startsWith('unix://')) return new Redis({ ...defaults, path: connection.slice('unix://'.length), ...ours });
    return new Redis(connection, { ...defaults, ...ours });
  }
  return new Redis({ ...defaults, ...connection, ...ours });
}

/** The URL schemes a string connection may have: ioredis would read `http://host` as a Redis on that host, in silence. */
const SCHEMES = /^(redis|rediss|unix):\/\//;

/** Whether `value` can be a RedisConnection (for the option checks). */
export function isConnection(value: unknown): value is RedisConnection {
  if (typeof value === 'string') return SCHEMES.test(value);
  return value instanceof Redis || (typeof value === 'object' && value !== null && !Array.isArray(value));
}

/** What the option checks say a connection must be. */
export const CONNECTION_EXPECTED = 'a redis://, rediss:// or unix:// URL, ioredis options or an ioredis client';

/** How often, at most, a process warns that it cannot reach Redis while ioredis retries. */
const UNREACHABLE_WARNING_EVERY_MS = 30_000;

/**
 * Warns (a process warning, on stderr by default) when `redis` cannot reach its server, at
 * most every UNREACHABLE_WARNING_EVERY_MS: ioredis retries in silence, and a worker started with
 * a wrong address would otherwise wait forever without a word. Names where, never the password.
 */
export function warnWhenUnreachable(redis: Redis, who: string): void {
  let last = -Infinity;
  redis.on('error', (error: Error) => {
    const now = performance.now();
    if (now - last < UNREACHABLE_WARNING_EVERY_MS) return;
    last = now;
    const { host, port, path } = redis.options;
    const where = path ? `unix://${path}` : `${host ?? 'localhost'}:${port ?? 6379}`;
    process.emitWarning(`${who} cannot reach Redis at ${where} (${error.message}); retrying until it answers`, 'ForklineWarning');
  });
}
