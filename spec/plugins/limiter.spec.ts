import {
  InvalidOptionError,
  Limiter,
  PluginError,
  Scheduler,
  type LimiterEvents,
  type PluginTask,
} from 'forkline';
import type * as Math from '../fixtures/math.ts';
import { expectNoChildren, fixtureModule } from '../helpers.js';
import { limiterSpecs } from '../shared/limiter.js';

const math = fixtureModule<typeof Math>('math.ts');

afterEach(expectNoChildren);

describe('the caps on local processes', () => {
  limiterSpecs(() => Scheduler.withProcesses(1));
});

describe('configuration', () => {
  test.each([
    [{ maxCalls: 0 }, 'Expected `maxCalls` to be an integer >= 1, got `0` (number).'],
    [{ maxCalls: -3 }, 'Expected `maxCalls` to be an integer >= 1, got `-3` (number).'],
    [{ maxConcurrent: 0 }, 'Expected `maxConcurrent` to be an integer >= 1, got `0` (number).'],
    [{ maxConcurrent: 1.5 }, 'Expected `maxConcurrent` to be an integer >= 1, got `1.5` (number).'],
    [{}, 'Expected `Limiter options` to be at least one of maxCalls, maxConcurrent, notWhileRunning, got `{}` (object).'],
  ])('%p is an InvalidOptionError', (options, message) => {
    expect(() => new Limiter(options)).toThrow(InvalidOptionError);
    expect(() => new Limiter(options)).toThrow(message);
  });

  test('a limiter listing its own task is a PluginError', () => {
    const scheduler = Scheduler.withSequential();
    const add = scheduler.task(math.add);
    // A task does not exist before its plugins are attached, so attach by hand (to a task that
    // does not carry the limiter's events, hence the cast).
    const limiter = new Limiter({ notWhileRunning: add });
    const attach = () => limiter.attach(add as unknown as PluginTask<LimiterEvents>);
    expect(attach).toThrow(PluginError);
    expect(attach).toThrow('Limiter on task "add" lists the task itself in notWhileRunning');
  });

  test('one limiter on two tasks is a PluginError', () => {
    const scheduler = Scheduler.withSequential();
    const limiter = new Limiter({ maxCalls: 1 });
    scheduler.task(math.add, { plugins: [limiter] });
    const second = () => scheduler.task(math.fib, { plugins: [limiter] });
    expect(second).toThrow(PluginError);
    expect(second).toThrow('This Limiter is already attached to task "add". Make one Limiter per task.');
  });
});
