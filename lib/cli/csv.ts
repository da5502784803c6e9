/**
 * A streaming CSV reader (RFC 4180: quoted fields, doubled quotes, newlines inside quotes, CRLF).
 *
 * Written here rather than taken from csv-parse: forkline needs only records with the line each
 * starts on (the results' `line`, which --resume matches), and that is fifty lines; csv-parse's
 * options (delimiters, casts, relax modes) would be a dependency for a side door of the CLI.
 */

export interface CsvRecord {
  /** The 1-based line of the file the record starts on. */
  readonly line: number;
  readonly fields: readonly string[];
}

/** Yields the records of a CSV text stream, one at a time. */
export async function* csvRecords(chunks: AsyncIterable<string>): AsyncGenerator<CsvRecord> {
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let afterQuote = false;
  let line = 1;
  let recordLine = 1;
  let started = false;
  let carriage = false;
  for await (const chunk of chunks) {
    for (let index = 0; index < chunk.length; index++) {
      const char = chunk[index] as string;
      if (carriage) {
        carriage = false;
        if (char === '\n') continue;
      }
      if (quoted) {
        if (char === '"') {
          quoted = false;
          afterQuote = true;
        } else {
          if (char === '\n') line++;
          field += char;
        }
        continue;
      }
      if (char === '"') {
        // A doubled quote inside a quoted field, or the opening quote of one.
        if (afterQuote) field += '"';
        quoted = true;
        afterQuote = false;
        started = true;
        continue;
      }
      afterQuote = false;
      if (char === ',') {
        fields.push(field);
        field = '';
        started = true;
      } else if (char === '\n' || char === '\r') {
        if (char === '\r') carriage = true;
        if (started || field !== '') yield { line: recordLine, fields: [...fields, field] };
        fields = [];
        field = '';
        started = false;
        line++;
        recordLine = line;
      } else {
        field += char;
        started = true;
      }
    }
  }
  if (quoted) throw new SyntaxError(`CSV line ${recordLine}: a quoted field is not closed before the end of the file`);
  if (started || field !== '') yield { line: recordLine, fields: [...fields, field] };
}

/** A field as a value: numbers and true/false become JSON values, the rest stays text. */
export function csvValue(field: string): unknown {
  if (field === 'true') return true;
  if (field === 'false') return false;
  if (/^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/.test(field)) return Number(field);
  return field;
}
