/**
 * The pool's waiting line: first in, first out, with removal by id in O(1).
 *
 * A plain array with a moving head and holes for removed jobs; compacted when mostly holes.
 */
import type { Job } from './executor.js';

export class Line {
  #jobs: (Job | undefined)[] = [];
  #head = 0;
  readonly #positions = new Map<number, number>();

  get size(): number {
    return this.#positions.size;
  }

  push(job: Job): void {
    this.#positions.set(job.id, this.#jobs.length);
    this.#jobs.push(job);
  }

  /** The next job, without taking it. */
  peek(): Job | undefined {
    while (this.#head < this.#jobs.length) {
      const job = this.#jobs[this.#head];
      if (job) return job;
      this.#head++;
    }
    this.#reset();
    return undefined;
  }

  shift(): Job | undefined {
    const job = this.peek();
    if (!job) return undefined;
    this.#jobs[this.#head++] = undefined;
    this.#positions.delete(job.id);
    if (this.#positions.size === 0) this.#reset();
    return job;
  }

  /** Takes job `id` out of the line; undefined if it is not waiting. */
  remove(id: number): Job | undefined {
    const position = this.#positions.get(id);
    if (position === undefined) return undefined;
    const job = this.#jobs[position];
    this.#jobs[position] = undefined;
    this.#positions.delete(id);
    return job;
  }

  /** Puts jobs back at the front, in their order. */
  unshift(jobs: readonly Job[]): void {
    if (jobs.length === 0) return;
    const rest = this.takeAll();
    for (const job of [...jobs, ...rest]) this.push(job);
  }

  /** Empties the line; returns its jobs in order. */
  takeAll(): Job[] {
    const jobs = this.#jobs.slice(this.#head).filter((job): job is Job => job !== undefined);
    this.#reset();
    return jobs;
  }

  #reset(): void {
    this.#jobs = [];
    this.#head = 0;
    this.#positions.clear();
  }
}
