import type { Readable } from 'node:stream';
import { BadInputError, LimitExceededError, type LineageError } from '../errors';
import { parseJson, type EventItem } from './event-stream';

/**
 * Reads the events of a batch body as it streams in: a JSON array (each element is one event), a single JSON
 * value, or NDJSON (one event per line). Limits are checked while reading, not after:
 * - the body stops being read at its LIMIT_BATCH_BODY_BYTES-th byte (413);
 * - the batch is refused at its (LIMIT_BATCH_EVENTS + 1)-th event, whatever follows (a 60 KB gzip body of
 *   millions of `{}` lines costs a few hundred parsed lines, not millions);
 * - an event larger than LIMIT_EVENT_BYTES is refused alone, without being parsed or kept.
 * Each event is parsed on its own as soon as its last byte arrives, so the event loop is never held longer than
 * one chunk of the body and one event's JSON.parse.
 *
 * Semantics are those of the whole-body parsers they replace: JSON that does not parse is a 400 for the whole body;
 * an NDJSON line that does not parse is one refused item with its line number.
 */
export interface SplitLimits {
  maxEvents: number;
  maxEventBytes: number;
  maxBodyBytes: number;
}

/** A body over its limit, as Fastify reports it, so that the error handler answers 413 naming the setting. */
export function bodyTooLarge(maxBodyBytes: number): Error {
  return Object.assign(new Error(`the request body is larger than ${maxBodyBytes} bytes`), { code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 });
}

function tooManyEvents(max: number): LimitExceededError {
  return new LimitExceededError('LIMIT_BATCH_EVENTS', `a batch may hold at most ${max} events; this one has more`);
}

function eventTooLarge(at: string, max: number): LimitExceededError {
  return new LimitExceededError('LIMIT_EVENT_BYTES', `the event at ${at} is larger than ${max} bytes`);
}

/** Collects the bytes of one item, up to a limit; past it only counts them. */
class ItemBytes {
  private parts: Buffer[] = [];
  size = 0;

  constructor(private readonly max: number) {}

  add(chunk: Buffer, from: number, to: number): void {
    if (to <= from) return;
    this.size += to - from;
    if (this.size <= this.max) this.parts.push(chunk.subarray(from, to));
    else this.parts = [];
  }

  get tooLarge(): boolean {
    return this.size > this.max;
  }

  text(): string {
    return Buffer.concat(this.parts).toString('utf8');
  }

  reset(): void {
    this.parts = [];
    this.size = 0;
  }
}

const SPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const NEWLINE = 0x0a;

/** Splits a JSON body: an array element by element, any other value as one event. */
class JsonSplitter {
  readonly items: EventItem[] = [];
  /** 'start': before the first byte; 'between': in the array, outside an element; 'element': inside one; 'single': a non-array body; 'end': after `]`. */
  private state: 'start' | 'between' | 'element' | 'single' | 'end' = 'start';
  private depth = 0;
  private inString = false;
  private escaped = false;
  private expectElement = true;
  private readonly current: ItemBytes;

  constructor(private readonly limits: SplitLimits) {
    this.current = new ItemBytes(limits.maxEventBytes);
  }

  push(chunk: Buffer): void {
    let elementStart = this.state === 'element' ? 0 : -1;
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i]!;
      switch (this.state) {
        case 'start':
          if (SPACE.has(byte)) break;
          if (byte === 0x5b) {
            this.state = 'between';
            break;
          }
          this.state = 'single';
          this.current.add(chunk, i, chunk.length);
          return;
        case 'between':
          if (SPACE.has(byte)) break;
          if (byte === 0x5d && (this.expectElement ? this.items.length === 0 : true)) {
            this.state = 'end';
            break;
          }
          if (byte === COMMA && !this.expectElement) {
            this.expectElement = true;
            break;
          }
          if (!this.expectElement) throw this.malformed(`expected , or ] after element #${this.items.length}`);
          this.state = 'element';
          this.expectElement = false;
          this.depth = 0;
          elementStart = i;
          i = this.scanElement(chunk, i, elementStart);
          if (this.elementEnded) elementStart = -1;
          break;
        case 'element':
          i = this.scanElement(chunk, i, elementStart);
          if (this.elementEnded) elementStart = -1;
          break;
        case 'single':
          this.current.add(chunk, i, chunk.length);
          return;
        case 'end':
          if (!SPACE.has(byte)) throw this.malformed('unexpected text after the closing ]');
          break;
      }
    }
    if (!this.elementEnded && elementStart >= 0) this.current.add(chunk, elementStart, chunk.length);
  }

  /** False while an element continues (the state changes inside scanElement, which TypeScript cannot follow). */
  private get elementEnded(): boolean {
    return this.state !== 'element';
  }

  /**
   * Scans an element from `i`; returns the index of its last byte, or the chunk's end when it continues in the
   * next chunk. At the element's end (a `,` or `]` at depth 0, or the close of a top-level object or array),
   * the element is taken and the state is 'between' again.
   */
  private scanElement(chunk: Buffer, i: number, elementStart: number): number {
    for (; i < chunk.length; i++) {
      const byte = chunk[i]!;
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (byte === BACKSLASH) this.escaped = true;
        else if (byte === QUOTE) this.inString = false;
        continue;
      }
      if (byte === QUOTE) this.inString = true;
      else if (byte === 0x7b || byte === 0x5b) this.depth += 1;
      else if (byte === 0x7d || byte === 0x5d) {
        if (this.depth === 0) {
          // `]` closing the array right after a scalar element.
          this.current.add(chunk, elementStart, i);
          this.take();
          this.state = 'end';
          return i;
        }
        this.depth -= 1;
      } else if (byte === COMMA && this.depth === 0) {
        this.current.add(chunk, elementStart, i);
        this.take();
        this.expectElement = true;
        return i;
      }
    }
    return i;
  }

  private take(): void {
    const at = `#${this.items.length + 1}`;
    if (this.items.length >= this.limits.maxEvents) throw tooManyEvents(this.limits.maxEvents);
    if (this.current.tooLarge) this.items.push({ error: eventTooLarge(at, this.limits.maxEventBytes), at });
    else this.items.push({ event: parseJson(this.current.text(), 'body'), at });
    this.current.reset();
    this.state = 'between';
  }

  end(): EventItem[] {
    if (this.state === 'single') {
      if (this.current.tooLarge) return [{ error: eventTooLarge('the body', this.limits.maxEventBytes) }];
      return [{ event: parseJson(this.current.text(), 'body') }];
    }
    if (this.state === 'start') throw new BadInputError('body', 'is empty; send a JSON array of events, one event, or NDJSON');
    if (this.state !== 'end') throw this.malformed('the array is not closed');
    return this.items;
  }

  private malformed(why: string): BadInputError {
    return new BadInputError('body', `is not valid JSON: ${why}`);
  }
}

/** Splits NDJSON: one event per non-blank line; a bad line is a refused item. */
class NdjsonSplitter {
  readonly items: EventItem[] = [];
  private line = 1;
  private readonly current: ItemBytes;

  constructor(private readonly limits: SplitLimits) {
    this.current = new ItemBytes(limits.maxEventBytes);
  }

  push(chunk: Buffer): void {
    let from = 0;
    for (let end = chunk.indexOf(NEWLINE, from); end >= 0; end = chunk.indexOf(NEWLINE, from)) {
      this.current.add(chunk, from, end);
      this.take();
      from = end + 1;
    }
    this.current.add(chunk, from, chunk.length);
  }

  private take(): void {
    const at = `line ${this.line}`;
    this.line += 1;
    if (this.current.tooLarge) {
      this.addItem({ error: eventTooLarge(at, this.limits.maxEventBytes), at });
    } else {
      const text = this.current.text();
      if (text.trim() !== '') {
        try {
          this.addItem({ event: parseJson(text, at), at });
        } catch (error) {
          this.addItem({ error: error as LineageError, at });
        }
      }
    }
    this.current.reset();
  }

  private addItem(item: EventItem): void {
    if (this.items.length >= this.limits.maxEvents) throw tooManyEvents(this.limits.maxEvents);
    this.items.push(item);
  }

  end(): EventItem[] {
    if (this.current.size > 0) this.take();
    return this.items;
  }
}

/**
 * The events of a body stream. Rejects with the error to answer when a limit is passed or the body is malformed;
 * the stream is then abandoned (`abandon` stops decompressing, and the rest of the body is discarded unread).
 */
export function splitEvents(stream: Readable & { abandon?: () => void }, format: 'json' | 'ndjson', limits: SplitLimits): Promise<EventItem[]> {
  const splitter = format === 'json' ? new JsonSplitter(limits) : new NdjsonSplitter(limits);
  let received = 0;
  return new Promise((resolve, reject) => {
    const fail = (error: unknown) => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      if (stream.abandon) stream.abandon();
      else stream.resume();
      reject(error);
    };
    const onData = (data: Buffer | string) => {
      const chunk = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      received += chunk.length;
      if (received > limits.maxBodyBytes) return fail(bodyTooLarge(limits.maxBodyBytes));
      try {
        splitter.push(chunk);
      } catch (error) {
        fail(error);
      }
    };
    const onEnd = () => {
      try {
        resolve(splitter.end());
      } catch (error) {
        reject(error);
      }
    };
    stream.on('data', onData);
    stream.once('end', onEnd);
    stream.once('error', (error) => fail(error));
  });
}
