/**
 * Input readers: JSONL, CSV or a JSON array, streamed record by record, so a file of ten million
 * lines never sits in memory. Each record is one call: its line and its arguments, or why the
 * line cannot be a call (then it is reported as that line's failure, and the batch goes on).
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { Transform, type Readable } from 'node:stream';
import type { InputFormat } from './args.js';
import { csvRecords, csvValue } from './csv.js';

export type InputRecord =
  | { readonly line: number; readonly args: readonly unknown[]; readonly invalid?: undefined }
  | { readonly line: number; readonly args?: undefined; readonly invalid: string };

/** The records of `path` ('-' for stdin) in `format`. */
export function readInput(path: string, format: InputFormat): AsyncGenerator<InputRecord> {
  const source: Readable = path === '-' ? process.stdin : createReadStream(path);
  source.setEncoding('utf8');
  const stream = withoutBom(source);
  if (format === 'csv') return csvInput(stream);
  if (format === 'json') return jsonArrayInput(stream);
  return jsonlInput(stream);
}

/**
 * The text without a leading UTF-8 byte order mark: Excel writes one before a CSV's header, and
 * kept it would rename the first column ('\uFEFFn' instead of 'n').
 */
function withoutBom(source: Readable): Readable {
  let first = true;
  const out = new Transform({
    decodeStrings: false,
    encoding: 'utf8',
    transform(chunk: string, _encoding, done) {
      if (first && chunk.length > 0) {
        first = false;
        done(null, chunk.charCodeAt(0) === 0xfeff ? chunk.slice(1) : chunk);
      } else done(null, chunk);
    },
  });
  // pipe() does not carry errors: a failed read must end the input with its error, not hang.
  source.on('error', (error) => out.destroy(error));
  return source.pipe(out);
}

/** One JSON value per line: an array is the arguments, anything else the one argument. */
async function* jsonlInput(stream: Readable): AsyncGenerator<InputRecord> {
  let line = 0;
  for await (const text of createInterface({ input: stream, crlfDelay: Infinity })) {
    line++;
    if (text.trim() === '') continue;
    try {
      yield { line, args: asArgs(JSON.parse(text)) };
    } catch (error) {
      yield { line, invalid: `input line ${line} is not JSON (${(error as Error).message}); each line must be a JSON array of arguments or one JSON value` };
    }
  }
}

/** A header row, then one object argument per record. */
async function* csvInput(stream: Readable): AsyncGenerator<InputRecord> {
  let header: readonly string[] | undefined;
  for await (const record of csvRecords(stream as AsyncIterable<string>)) {
    if (!header) {
      header = record.fields;
      continue;
    }
    if (record.fields.length !== header.length) {
      yield { line: record.line, invalid: `CSV line ${record.line} has ${record.fields.length} fields, the header has ${header.length}` };
      continue;
    }
    const config: Record<string, unknown> = {};
    header.forEach((name, index) => (config[name] = csvValue(record.fields[index] ?? '')));
    yield { line: record.line, args: [config] };
  }
}

/**
 * The elements of a top-level JSON array, each parsed on its own as the scan finds its end.
 * `line` is the element's 1-based position in the array.
 */
async function* jsonArrayInput(stream: Readable): AsyncGenerator<InputRecord> {
  let phase: 'before' | 'inside' | 'after' = 'before';
  let element = '';
  let depth = 0;
  let inString = false;
  let escaped = false;
  let index = 0;
  const finish = function* (): Generator<InputRecord> {
    if (element.trim() === '') return;
    index++;
    try {
      yield { line: index, args: asArgs(JSON.parse(element)) };
    } catch (error) {
      yield { line: index, invalid: `element ${index} of the input array is not JSON (${(error as Error).message})` };
    }
    element = '';
  };
  for await (const chunk of stream as AsyncIterable<string>) {
    for (const char of chunk) {
      if (phase === 'before') {
        if (char === '[') phase = 'inside';
        else if (!/\s/.test(char)) throw new SyntaxError('a JSON input must be one array of calls, [ ... ]; for one call per line use JSONL');
        continue;
      }
      if (phase === 'after') {
        if (!/\s/.test(char)) throw new SyntaxError('the JSON input has more after its closing ]');
        continue;
      }
      if (inString) {
        element += char;
        if (escaped) escaped = false;
        else if (char === '\\') escaped = true;
        else if (char === '"') inString = false;
        continue;
      }
      if (depth === 0 && (char === ',' || char === ']')) {
        yield* finish();
        if (char === ']') phase = 'after';
        continue;
      }
      if (char === '"') inString = true;
      else if (char === '[' || char === '{') depth++;
      else if (char === ']' || char === '}') depth--;
      element += char;
    }
  }
  if (phase !== 'after') throw new SyntaxError('the JSON input array is not closed: the file ends before its ]');
}

function asArgs(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [value];
}

/**
 * About how many records a file holds (its newlines), for the ETA before the reader gets there:
 * a pass over the bytes that takes ~1 s for 1 GB. Undefined for stdin.
 */
export async function estimateRecords(path: string, format: InputFormat): Promise<number | undefined> {
  if (path === '-' || format === 'json') return undefined;
  const file = await open(path);
  try {
    const buffer = Buffer.allocUnsafe(1 << 20);
    let lines = 0;
    let last = 10;
    for (;;) {
      const { bytesRead } = await file.read(buffer, 0, buffer.length);
      if (bytesRead === 0) break;
      for (let offset = buffer.indexOf(10, 0); offset !== -1 && offset < bytesRead; offset = buffer.indexOf(10, offset + 1)) lines++;
      last = buffer[bytesRead - 1] ?? 10;
    }
    if (last !== 10) lines++;
    return format === 'csv' ? Math.max(0, lines - 1) : lines;
  } finally {
    await file.close();
  }
}
