/**
 * An inbox stream on a real Redis: entries handled in order and trimmed, its expiry refreshed while
 * its reader lives (so a dead process's inbox leaves Redis), deleted when it closes.
 */
import { Redis } from 'ioredis';
import { INBOX_TTL_MS, Inbox, post } from '../../../lib/queue/inbox.js';
import { startRedis, type TestRedis } from '../../helpers/redis.js';

let redis: TestRedis;
let client: Redis;

beforeAll(async () => {
  redis = await startRedis();
  client = new Redis({ path: redis.socket });
});

afterAll(async () => {
  client.disconnect();
  await redis.stop();
});

test('a live inbox handles entries in order, trims them, keeps refreshing its expiry, and is deleted on close', async () => {
  const ttl = 300;
  const got: unknown[] = [];
  let handled!: () => void;
  const two = new Promise<void>((resolve) => (handled = resolve));
  const inbox = new Inbox('forkline:{t}:host:live', new Redis({ path: redis.socket }), client, (entry) => {
    got.push(entry);
    if (got.length === 2) handled();
    return undefined;
  }, ttl);
  await post(client, inbox.key, 1);
  await post(client, inbox.key, 2);
  await two;
  expect(got).toEqual([1, 2]);
  // Past several of its ttls (time passing is what is tested), the inbox is still there: refreshed.
  await new Promise((resolve) => setTimeout(resolve, ttl * 3));
  const left = await client.pttl(inbox.key);
  expect(left).toBeGreaterThan(0);
  // Trimmed up to the last entry handled (XTRIM MINID keeps that one).
  expect(await client.xlen(inbox.key)).toBe(1);
  expect(left).toBeLessThanOrEqual(ttl);
  await inbox.close();
  expect(await client.exists(inbox.key)).toBe(0);
});

test("a post to an inbox nobody reads (its process died) sets its expiry: it does not live forever", async () => {
  await post(client, 'forkline:{t}:worker:dead', { k: 'cancel' });
  const left = await client.pttl('forkline:{t}:worker:dead');
  expect(left).toBeGreaterThan(0);
  expect(left).toBeLessThanOrEqual(INBOX_TTL_MS);
});

test('entries that do not decode or that the owner refuses are dropped with one warning for the inbox; the reader reads on', async () => {
  const warnings = (globalThis as { __processWarnings?: string[] }).__processWarnings ?? [];
  const got: unknown[] = [];
  let done!: () => void;
  const last = new Promise<void>((resolve) => (done = resolve));
  const inbox = new Inbox('forkline:{t}:host:bad', new Redis({ path: redis.socket }), client, (entry) => {
    if (typeof entry !== 'number') return `an entry is ${entry === null ? 'null' : typeof entry}, not a number`;
    got.push(entry);
    if (entry === 2) done();
    return undefined;
  });
  await post(client, inbox.key, 1);
  await client.xadd(inbox.key, '*', 'e', 'garbage!!');
  await post(client, inbox.key, null);
  await client.xadd(inbox.key, '*', 'x', 'y');
  await post(client, inbox.key, 2);
  await last;
  expect(got).toEqual([1, 2]);
  await inbox.close();
  await new Promise((resolve) => setImmediate(resolve));
  const mine = warnings.filter((warning) => warning.includes(inbox.key));
  expect(mine).toHaveLength(1);
  expect(mine[0]).toMatch(/^ForklineWarning: forkline: the inbox forkline:\{t\}:host:bad dropped an entry: an entry is not base64 of a v8-serialized value .*Later bad entries in it are dropped without a warning/);
  warnings.splice(0, warnings.length, ...warnings.filter((warning) => !mine.includes(warning)));
});
