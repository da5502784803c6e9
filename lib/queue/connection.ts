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

/** Whether `value` can be a RedisConnection (for the option checks). */
export function isConnection(value: unknown): value is RedisConnection {
  return typeof value === 'string' || value instanceof Redis || (typeof value === 'object' && value !== null && !Array.isArray(value));
}
