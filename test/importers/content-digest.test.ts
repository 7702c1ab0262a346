import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { dirHash, fileHash, manifestBytes, parseDigest } from '../../src/importers/verify/content-digest';
import { checkSource, exitCodeOf, type RecordedSource } from '../../src/importers/verify/data-check';

describe('content digests as the recorders computed them', () => {
  it("computes DVC's directory hash (checked against a directory DVC 3.67 hashed)", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lineage-digest-'));
    try {
      // DVC 3.67 recorded data/prepared (these two files) as 5673b84fb8d3c2147905a29fb09d74af.dir.
      fs.writeFileSync(path.join(dir, 'train.csv'), 'id,amount\n1,10\n');
      fs.writeFileSync(path.join(dir, 'test.csv'), 'id,amount\n2,20\n3,30\n');
      assert.equal(
        manifestBytes([
          { relpath: 'train.csv', md5: '99dea7b29a4496f8051386834fe12a26' },
          { relpath: 'test.csv', md5: 'c7c27d1617cb97664a3865985d0ae672' },
        ]),
        '[{"md5": "c7c27d1617cb97664a3865985d0ae672", "relpath": "test.csv"}, {"md5": "99dea7b29a4496f8051386834fe12a26", "relpath": "train.csv"}]',
      );
      assert.equal(fileHash(path.join(dir, 'train.csv'), 'md5'), '99dea7b29a4496f8051386834fe12a26');
      assert.equal(dirHash(dir, 'md5'), '5673b84fb8d3c2147905a29fb09d74af');
      fs.mkdirSync(path.join(dir, 'sub'));
      fs.writeFileSync(path.join(dir, 'sub', 'é.csv'), '');
      assert.match(manifestBytes([{ relpath: 'sub/é.csv', md5: 'x' }]), /"sub\/\\u00e9\.csv"/, 'non-ASCII escaped as Python does');
      assert.notEqual(dirHash(dir, 'md5'), '5673b84fb8d3c2147905a29fb09d74af');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('hashes text with CRLF the way DVC 2 did (md5-dos2unix), binary files as they are', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lineage-digest-'));
    try {
      fs.writeFileSync(path.join(dir, 'text.csv'), 'a,b\r\n1,2\r\n');
      fs.writeFileSync(path.join(dir, 'bin'), Buffer.from([0, 13, 10, 1]));
      const md5 = (data: string | Buffer) => createHash('md5').update(data).digest('hex');
      assert.equal(fileHash(path.join(dir, 'text.csv'), 'md5-dos2unix'), md5('a,b\n1,2\n'));
      assert.equal(fileHash(path.join(dir, 'text.csv'), 'md5'), md5('a,b\r\n1,2\r\n'));
      assert.equal(fileHash(path.join(dir, 'bin'), 'md5-dos2unix'), md5(Buffer.from([0, 13, 10, 1])));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads digest spellings, and refuses ones it cannot compute', () => {
    assert.deepEqual(parseDigest(`md5:${'A'.repeat(32)}.dir`), { algorithm: 'md5', hex: 'a'.repeat(32), directory: true });
    assert.deepEqual(parseDigest(`sha256:${'1'.repeat(64)}`), { algorithm: 'sha256', hex: '1'.repeat(64), directory: false });
    for (const bad of ['sha1:abc', `md5:${'1'.repeat(31)}`, `sha256:${'1'.repeat(64)}.dir`, 'c167484d']) assert.equal(parseDigest(bad), null, bad);
  });

  it('says per source MATCH, CHANGED, MISSING or UNVERIFIABLE, and the exit code scripts read', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lineage-verify-'));
    try {
      fs.mkdirSync(path.join(dir, 'data'));
      fs.writeFileSync(path.join(dir, 'data', 'raw.csv'), 'x\n');
      const sha = createHash('sha256').update('x\n').digest('hex');
      const source = (name: string, digest: string | null): RecordedSource => ({
        label: name,
        namespace: 'ns',
        name,
        version: 'v',
        digest,
        uri: null,
        role: 'source',
      });
      const verdicts = (sources: RecordedSource[]) => sources.map((s) => checkSource(s, [dir]));
      const all = verdicts([
        source('data/raw.csv', `sha256:${sha}`),
        source('data/raw.csv', `sha256:${'0'.repeat(64)}`),
        source('gone.csv', `md5:${'0'.repeat(32)}`),
        source('data/raw.csv', null),
      ]);
      assert.deepEqual(
        all.map((c) => c.verdict),
        ['MATCH', 'CHANGED', 'MISSING', 'UNVERIFIABLE'],
      );
      assert.equal(all[1]!.localPath, path.join(dir, 'data', 'raw.csv'));
      assert.deepEqual([exitCodeOf(all), exitCodeOf([all[0]!, all[3]!]), exitCodeOf([all[0]!])], [1, 3, 0]);
      const byFile = checkSource(source('somewhere/raw.csv', `sha256:${sha}`), [path.join(dir, 'data', 'raw.csv')]);
      assert.equal(byFile.verdict, 'MATCH', 'a file given by name stands for the source of that name');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
