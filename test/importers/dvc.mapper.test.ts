import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultRemoteUrl, parseDvcLock, parseDvcYaml } from '../../src/importers/dvc/dvc-files.parser';
import { inProducerOrder, mapDvc, type DvcRepositoryState, type DvcSnapshot } from '../../src/importers/dvc/dvc.mapper';

/** dvc.lock as DVC 3.67 wrote it for the two-stage pipeline of the end-to-end test. */
const LOCK = (raw: string, prepared: string, model: string) => `schema: '2.0'
stages:
  train:
    cmd: python train.py
    deps:
    - path: data/prepared
      hash: md5
      md5: ${prepared}.dir
      size: 35
      nfiles: 2
    params:
      params.yaml:
        train:
          lr: 0.1
    outs:
    - path: model.pkl
      hash: md5
      md5: ${model}
      size: 32
  prepare:
    cmd: python3 prepare.py
    deps:
    - path: ./data/raw/transactions.csv
      hash: md5
      md5: ${raw}
      size: 25
    params:
      params.yaml:
        prepare.split: 0.5
      other.yaml:
        seed: 7
    outs:
    - path: data/prepared
      hash: md5
      md5: ${prepared}.dir
      size: 35
      nfiles: 2
`;
const h = (c: string) => c.repeat(32);

function state(snapshots: DvcSnapshot[]): DvcRepositoryState {
  return {
    repository: 'https://git.example/acme/fraud',
    remoteUrl: 's3://acme-dvc/store',
    snapshots,
    manifests: new Map([[`${h('b')}.dir`, [{ relpath: 'train.csv', md5: h('d') }]]]),
    cached: new Set([`${h('b')}.dir`, h('d'), h('c')]),
  };
}
const commit = (sha: string, at: string): DvcSnapshot['commit'] => ({ sha: sha.repeat(40), committedAt: at, author: 'Ann <ann@example.com>', message: 'm' });

describe('dvc.lock files', () => {
  it('are read as DVC writes them: paths, hashes and their kind, parameters by file', () => {
    const [train, prepare] = parseDvcLock(LOCK(h('a'), h('b'), h('c')), 'dvc.lock');
    assert.equal(prepare!.deps[0]!.path, 'data/raw/transactions.csv', 'paths without ./');
    assert.deepEqual(prepare!.params, { 'params.yaml': { 'prepare.split': 0.5 }, 'other.yaml': { seed: 7 } });
    assert.deepEqual([train!.deps[0]!.hash, train!.deps[0]!.hashName], [`${h('b')}.dir`, 'md5']);
    const legacy = parseDvcLock("schema: '2.0'\nstages:\n  s:\n    cmd: x\n    outs:\n    - path: a\n      md5: " + h('e') + '\n', 'old');
    assert.equal(legacy[0]!.outs[0]!.hashName, 'md5-dos2unix', 'DVC 2 entries have no `hash: md5`');
  });

  it('are refused with the file named when they are not a lock file', () => {
    assert.throws(() => parseDvcLock('stages: [1, 2', 'dvc.lock at 1234'), /dvc.lock at 1234: not valid YAML/);
    assert.throws(() => parseDvcLock("schema: '3.0'\nstages: {}", 'dvc.lock'), /schema '3.0' is not supported/);
    assert.throws(() => parseDvcLock('stages:\n  s:\n    deps:\n    - md5: x', 'dvc.lock'), /stage s deps\[0\] must be a mapping with a 'path'/);
    assert.throws(() => parseDvcLock('stages:\n  s:\n    deps:\n    - path: a\n      md5: nothex', 'dvc.lock'), /md5 'nothex' is not a DVC hash/);
  });

  it('dvc.yaml artifacts of type model and the default remote of .dvc/config', () => {
    assert.deepEqual(parseDvcYaml('artifacts:\n  fraud:\n    path: ./model.pkl\n    type: model\n  report:\n    path: r.html\n', 'dvc.yaml').models, {
      fraud: 'model.pkl',
    });
    assert.equal(defaultRemoteUrl('[core]\n    remote = store\n[\'remote "store"\']\n    url = s3://acme-dvc/store\n'), 's3://acme-dvc/store');
    assert.equal(defaultRemoteUrl('[core]\n    autostage = true\n'), null);
  });
});

describe('the DVC mapping', () => {
  const v1 = parseDvcLock(LOCK(h('a'), h('b'), h('c')), 'v1');
  const v2 = parseDvcLock(LOCK(h('f'), h('b'), h('c')), 'v2');

  it('records producers first, one run per locked execution, with content hashes as versions', () => {
    assert.deepEqual(
      inProducerOrder(v1).map((e) => e.stage),
      ['prepare', 'train'],
    );
    const plan = mapDvc(state([{ commit: commit('1', '2026-01-01T00:00:00.000Z'), at: '2026-01-01T00:00:00.000Z', lock: v1, yaml: null }]), {
      history: false,
      dirFiles: 10,
    });
    const [prepare, train] = plan.runs;
    assert.deepEqual([prepare!.job.name, train!.job.name], ['prepare', 'train']);
    assert.equal(prepare!.commit!.sha, '1'.repeat(40));
    assert.deepEqual(prepare!.parameters, { 'prepare.split': 0.5, 'other.yaml:seed': 7 });
    assert.deepEqual(
      prepare!.outputs.map((o) => [o.name, o.version, o.digest, o.uri]),
      [
        ['data/prepared', `${h('b')}.dir`, `md5:${h('b')}.dir`, `s3://acme-dvc/store/files/md5/bb/${h('b').slice(2)}.dir`],
        ['data/prepared/train.csv', h('d'), `md5:${h('d')}`, `s3://acme-dvc/store/files/md5/dd/${h('d').slice(2)}`],
      ],
      'a directory, and each file of its manifest',
    );
    assert.deepEqual(
      prepare!.inputs.map((i) => [i.name, i.uri]),
      [['data/raw/transactions.csv', null]],
      'not in the cache: not in the remote',
    );
  });

  it('dates an execution by the commit that first locked it, imports the history on request, and marks models', () => {
    const snapshots: DvcSnapshot[] = [
      {
        commit: commit('1', '2026-01-01T00:00:00.000Z'),
        at: '2026-01-01T00:00:00.000Z',
        lock: v1,
        yaml: parseDvcYaml('artifacts:\n  fraud:\n    path: model.pkl\n    type: model\n', 'y'),
      },
      { commit: commit('2', '2026-02-01T00:00:00.000Z'), at: '2026-02-01T00:00:00.000Z', lock: v2, yaml: null },
      { commit: commit('3', '2026-03-01T00:00:00.000Z'), at: '2026-03-01T00:00:00.000Z', lock: v2, yaml: null },
    ];
    const current = mapDvc(state(snapshots), { history: false });
    assert.deepEqual(
      current.runs.map((r) => [r.job.name, r.commit!.sha[0], r.startedAt]),
      [
        ['prepare', '2', '2026-02-01T00:00:00.000Z'],
        ['train', '1', '2026-01-01T00:00:00.000Z'],
      ],
      'train did not change at commit 2: its execution is the one commit 1 locked',
    );
    const history = mapDvc(state(snapshots), { history: true });
    assert.equal(history.runs.length, 3);
    assert.deepEqual(
      history.modelVersions.map((m) => [m.model, m.version, m.digest, m.trainingRunId === history.runs[1]!.runId]),
      [['fraud', h('c'), `md5:${h('c')}`, true]],
    );
    assert.deepEqual(history.runs[1]!.outputs, [], 'the model is a model version, not a dataset output');
    assert.match(
      history.notes.join('\n'),
      /data\/prepared@b+\.dir was written by an earlier execution/,
      'the same bytes from two executions: the first writer keeps them',
    );
    assert.deepEqual(mapDvc(state(snapshots), { history: true }), history, 'deterministic');
  });
});
