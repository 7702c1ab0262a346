import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { LineageError } from '../../src/errors';
import { splitEvents, type SplitLimits } from '../../src/openlineage/event-splitter';

const LIMITS: SplitLimits = { maxEvents: 50, maxEventBytes: 10_000, maxBodyBytes: 1_000_000 };

/** The body in chunks cut at the given points: events must come out the same however the bytes arrive. */
function streamOf(text: string, cuts: number[]): Readable {
  const bytes = Buffer.from(text, 'utf8');
  const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let from = 0;
  for (const point of [...points, bytes.length]) {
    if (point > from) chunks.push(bytes.subarray(from, point));
    from = Math.max(from, point);
  }
  return Readable.from(chunks);
}

const outcome = async (text: string, cuts: number[], format: 'json' | 'ndjson', limits = LIMITS) => {
  try {
    const items = await splitEvents(streamOf(text, cuts), format, limits);
    return {
      items: items.map((item) => (item.error ? { error: item.error.extensions.limit ?? item.error.code, at: item.at } : { event: item.event, at: item.at })),
    };
  } catch (error) {
    return { refused: error instanceof LineageError ? (error.extensions.limit ?? error.code) : (error as { code?: string }).code };
  }
};

describe('splitting a batch body while it streams', () => {
  it('gives the elements of a JSON array, however the body is cut into chunks', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.jsonValue({ maxDepth: 4 }), { maxLength: 20 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        fc.boolean(),
        async (events, cuts, spaced) => {
          const text = spaced ? `  [ ${events.map((e) => JSON.stringify(e, null, 1)).join(' ,\n ')} ]\n` : JSON.stringify(events);
          assert.deepEqual(await outcome(text, cuts, 'json'), {
            items: events.map((event, i) => ({ event: JSON.parse(JSON.stringify(event)), at: `#${i + 1}` })),
          });
        },
      ),
    );
  });

  it('gives the lines of NDJSON, a bad line as one refused item', async () => {
    const text = '{"a":1}\n\n{"b":"x\\ny"}\r\nnot json\n[1,2]';
    assert.deepEqual(await outcome(text, [3, 9, 20], 'ndjson'), {
      items: [
        { event: { a: 1 }, at: 'line 1' },
        { event: { b: 'x\ny' }, at: 'line 3' },
        { error: 'BAD_USER_INPUT', at: 'line 4' },
        { event: [1, 2], at: 'line 5' },
      ],
    });
  });

  it('takes a single JSON value as one event, and refuses JSON that does not parse as a whole', async () => {
    assert.deepEqual(await outcome('{"eventType": "START"}', [5], 'json'), { items: [{ event: { eventType: 'START' }, at: undefined }] });
    for (const bad of ['[{"a":}]', '[1,]', '[1 2]', '[{"a":1}', '[] x', '', '{"a"', '[{"a": "]"}, {]']) {
      assert.deepEqual(await outcome(bad, [2], 'json'), { refused: 'BAD_USER_INPUT' }, bad);
    }
  });

  it('refuses at the event past LIMIT_BATCH_EVENTS without reading the rest', async () => {
    // Millions of events, as a 60 KB gzip body inflates to: the body is abandoned after the 51st.
    let produced = 0;
    const endless = Object.assign(
      new Readable({
        read() {
          produced += 1;
          this.push(produced === 1 ? '[' + '{},'.repeat(10_000) : '{},'.repeat(10_000));
        },
      }),
      // As the route's decompressing stream does: stop producing (the request's own bytes are then discarded).
      { abandon: () => endless.destroy() },
    );
    await assert.rejects(
      splitEvents(endless, 'json', LIMITS),
      (error: unknown) => error instanceof LineageError && error.extensions.limit === 'LIMIT_BATCH_EVENTS',
    );
    assert.ok(produced < 5, `read ${produced} chunks`);
    const lines = Readable.from(Array.from({ length: 1_000 }, () => '{}\n'.repeat(1_000)));
    assert.deepEqual(await outcome('', [], 'ndjson'), { items: [] });
    await assert.rejects(
      splitEvents(lines, 'ndjson', LIMITS),
      (error: unknown) => error instanceof LineageError && error.extensions.limit === 'LIMIT_BATCH_EVENTS',
    );
  });

  it('refuses an event over LIMIT_EVENT_BYTES alone, and a body over LIMIT_BATCH_BODY_BYTES whole', async () => {
    const big = JSON.stringify({ pad: 'x'.repeat(20_000) });
    assert.deepEqual(await outcome(`[{"a":1}, ${big}, {"b":2}]`, [100, 5000], 'json'), {
      items: [
        { event: { a: 1 }, at: '#1' },
        { error: 'LIMIT_EVENT_BYTES', at: '#2' },
        { event: { b: 2 }, at: '#3' },
      ],
    });
    assert.deepEqual(await outcome(`{"a":1}\n${big}\n`, [7000], 'ndjson'), {
      items: [
        { event: { a: 1 }, at: 'line 1' },
        { error: 'LIMIT_EVENT_BYTES', at: 'line 2' },
      ],
    });
    assert.deepEqual(
      await outcome(`[${Array.from({ length: 10 }, () => big.slice(0, 9_000) + '"}').join(',')}]`, [], 'json', { ...LIMITS, maxBodyBytes: 50_000 }),
      {
        refused: 'FST_ERR_CTP_BODY_TOO_LARGE',
      },
    );
  });
});
