import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LineageChange } from '../../../src/core/recording/lineage-change.types';
import { chunksOf } from '../../../src/core/recording/lineage.recorder';

/** A run change mentioning `datasets` inputs (all the chunking reads of it), labelled for the assertions. */
function run(label: string, datasets: number): LineageChange {
  return { kind: 'run', label, inputs: Array.from({ length: datasets }), outputs: [], modelVersions: [] } as unknown as LineageChange;
}

const same = (change: LineageChange) => change;
const labels = (chunks: LineageChange[][]) => chunks.map((chunk) => chunk.map((change) => (change as unknown as { label: string }).label).join(''));

describe('the recorder’s chunks', () => {
  it('hold at most `size` changes', () => {
    assert.deepEqual(labels(chunksOf([run('a', 0), run('b', 0), run('c', 0)], 2, 100, same)), ['ab', 'c']);
  });

  it('hold at most `datasets` datasets, in order; a wider change is a chunk of its own', () => {
    const changes = [run('a', 60), run('b', 40), run('c', 1), run('d', 250), run('e', 10)];
    assert.deepEqual(labels(chunksOf(changes, 500, 100, same)), ['ab', 'c', 'd', 'e']);
  });

  it('of nothing are none', () => {
    assert.deepEqual(chunksOf([], 500, 100, same), []);
  });
});
