import { pathToFileURL } from 'node:url';
import { InvalidOptionError, Scheduler, taskModule, taskRef } from 'forkline';
import type * as Math from './fixtures/math.ts';
import { fixture } from './helpers.js';

const MODULE_FIX = "Expected `module` to be a file URL or an absolute path, e.g. new URL('./jobs.ts', import.meta.url)";

describe('taskRef()', () => {
  test('is plain, frozen JSON: { module, export } and nothing else', () => {
    const ref = taskRef<typeof Math.add>(fixture('math.ts'), 'add');
    expect(ref).toEqual({ module: fixture('math.ts').href, export: 'add' });
    expect(Object.keys(ref)).toEqual(['module', 'export']);
    expect(JSON.parse(JSON.stringify(ref))).toEqual(ref);
    expect(structuredClone(ref)).toEqual(ref);
    expect(Object.isFrozen(ref)).toBe(true);
  });

  test('names the default export when no export is given', () => {
    expect(taskRef(fixture('math.ts')).export).toBe('default');
  });

  test('a URL, a file URL string and an absolute path name the same module', () => {
    const path = '/tmp/forkline jobs/../jobs/run me.ts';
    const url = pathToFileURL(path);
    const expected = { module: 'file:///tmp/jobs/run%20me.ts', export: 'go' };
    expect(taskRef(url, 'go')).toEqual(expected);
    expect(taskRef(url.href, 'go')).toEqual(expected);
    expect(taskRef(path, 'go')).toEqual(expected);
  });

  test.each([
    ['a relative path', './jobs.ts', '`"./jobs.ts"` (string)'],
    ['a bare name', 'jobs.ts', '`"jobs.ts"` (string)'],
    ['an http URL string', 'https://example.com/jobs.js', '`"https://example.com/jobs.js"` (string)'],
    ['an http URL', new URL('https://example.com/jobs.js'), '`"https://example.com/jobs.js"` (string)'],
    ['a data URL', new URL('data:text/javascript,export default 1'), '`"data:text/javascript,export default 1"` (string)'],
    ['a number', 42, '`42` (number)'],
  ])('rejects %s with an InvalidOptionError that names the fix', (_what, module, got) => {
    const make = () => taskRef(module as string, 'go');
    expect(make).toThrow(InvalidOptionError);
    expect(make).toThrow(`${MODULE_FIX}, got ${got}.`);
  });

  test('rejects an empty export name', () => {
    expect(() => taskRef(fixture('math.ts'), '')).toThrow(
      'Expected `exportName` to be the name of an exported function, got `""` (string).',
    );
  });
});

describe('taskModule()', () => {
  const math = taskModule<typeof Math>(fixture('math.ts'));

  test('yields the same ref as taskRef(), as plain JSON', () => {
    expect(math.add).toEqual(taskRef(fixture('math.ts'), 'add'));
    expect(Object.keys(math.add)).toEqual(['module', 'export']);
    expect(JSON.parse(JSON.stringify({ ref: math.fib }))).toEqual({ ref: { module: fixture('math.ts').href, export: 'fib' } });
  });

  test('yields one stable, frozen ref per export', () => {
    expect(math.add).toBe(math.add);
    expect(math.add).not.toBe(math.fib);
    expect(Object.isFrozen(math.add)).toBe(true);
  });

  test('is not thenable, so it can be returned from an async function', async () => {
    expect((math as unknown as Record<string, unknown>).then).toBeUndefined();
    const resolved = await Promise.resolve(math);
    expect(resolved).toBe(math);
  });

  test('validates the module at once', () => {
    expect(() => taskModule('./math.ts')).toThrow(`${MODULE_FIX}, got \`"./math.ts"\` (string).`);
  });
});

test('scheduler.task() rejects what is not a ref', () => {
  const scheduler = Scheduler.withSequential();
  expect(() => scheduler.task({ module: fixture('math.ts').href } as never)).toThrow(InvalidOptionError);
  expect(() => scheduler.task('add' as never)).toThrow(
    'Expected `ref` to be a task ref from taskRef() or taskModule(), got `"add"` (string).',
  );
});
