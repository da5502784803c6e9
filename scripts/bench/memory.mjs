/**
 * The memory group: an idle child against a bare node child (memory-child.mjs) and the host per
 * 1,000 queued calls (memory-queue.mjs). Comm's host RSS over a long stream is the rss group.
 */
import memoryChild from './memory-child.mjs';
import memoryQueue from './memory-queue.mjs';

export default async function memory(options) {
  return [...(await memoryChild(options)), ...(await memoryQueue(options))];
}
