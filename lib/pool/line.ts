/**
 * The pool's waiting line: first in, first out, with removal of any job in O(1).
 *
 * A plain array with a moving head; a removed job leaves a hole, and each job knows its index
 * (`job.position`), so nothing is hashed per job.
 */

/** What the line keeps: anything that can hold its own place. */
export interface Placed {
  /** Its index in the line, or -1: the line's own, set by it alone. */
  position: number;
}

export class Line<Job extends Placed> {
  #jobs: (Job | undefined)[] = [];
  #head = 0;
  #size = 0;

  get size(): number {
    return this.#size;
  }

  push(job: Job): void {
    job.position = this.#jobs.length;
    this.#jobs.push(job);
    this.#size++;
  }

  shift(): Job | undefined {
    while (this.#head < this.#jobs.length) {
      const job = this.#jobs[this.#head];
      this.#jobs[this.#head++] = undefined;
      if (job) {
        job.position = -1;
        if (--this.#size === 0) this.#reset();
        return job;
      }
    }
    this.#reset();
    return undefined;
  }

  /** Takes `job` out of the line; false if it was not waiting. */
  remove(job: Job): boolean {
    if (job.position < 0 || this.#jobs[job.position] !== job) return false;
    this.#jobs[job.position] = undefined;
    job.position = -1;
    if (--this.#size === 0) this.#reset();
    return true;
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
    for (const job of jobs) job.position = -1;
    this.#reset();
    return jobs;
  }

  #reset(): void {
    this.#jobs = [];
    this.#head = 0;
    this.#size = 0;
  }
}
