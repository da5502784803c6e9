import { eventNames } from '../../lib/events/names.js';
import { SCHEDULER_EVENTS } from '../../lib/scheduler/events.js';

interface Events {
  ping: [n: number];
  'pair-up': [a: string, b: number];
  idle: [];
}

test('the list is the keys of the set, in the order they are written', () => {
  expect(eventNames<Events>({ idle: true, ping: true, 'pair-up': true })).toEqual(['idle', 'ping', 'pair-up']);
});

test('a set that misses an event, names one too many or misspells one does not compile', () => {
  // Each call still runs; what is checked is that typecheck (npm run typecheck) refuses it.
  // @ts-expect-error -- 'idle' is missing
  expect(eventNames<Events>({ ping: true, 'pair-up': true })).toEqual(['ping', 'pair-up']);
  // @ts-expect-error -- 'pong' is no event of the map
  expect(eventNames<Events>({ ping: true, 'pair-up': true, idle: true, pong: true })).toHaveLength(4);
  // @ts-expect-error -- 'pair_up' is a typo of 'pair-up'
  expect(eventNames<Events>({ ping: true, pair_up: true, idle: true })).toHaveLength(3);
});

test("the scheduler's list names each of its events once, in the order they happen", () => {
  expect(SCHEDULER_EVENTS).toEqual([
    'start',
    'future-submitted',
    'future-done',
    'future-result',
    'future-exception',
    'future-cancelled',
    'empty',
    'timeout',
    'stop',
    'finishing',
    'finished',
  ]);
});
