import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { readColumnLineage, type ColumnDependency } from '../../../src/core/column/column-lineage.facet';
import { deriveFields, edgeProperties } from '../../../src/core/column/field-derivation';
import { ids } from '../../../src/core/ids';
import { COLUMN_FIXTURES } from './column-fixtures';

/** The facet read whatever its version (the spec's own examples), and the derivation of fields and edges. */

const spec = (n: number) => JSON.parse(fs.readFileSync(path.join(COLUMN_FIXTURES, 'spec', `ColumnLineageDatasetFacet-${n}.json`), 'utf8')).columnLineage;
const kinds = (dependencies: readonly ColumnDependency[]) =>
  dependencies.map(
    (d) => `${d.input.name}.${d.input.field} ${d.transformations.map((t) => `${t.type}/${t.subtype ?? '-'}${t.masking ? '+M' : ''}`).join(',')}`,
  );

describe('the columnLineage facet', () => {
  it('reads 1-2-0 transformations and ignores the deprecated field-level type beside them (spec example 1)', () => {
    const mapping = readColumnLineage(spec(1))!;
    assert.deepEqual(kinds(mapping.fields.get('NAME')!), [
      'CUSTOMERS.NAME DIRECT/IDENTITY',
      'CUSTOMERS.ID INDIRECT/JOIN',
      'DISCOUNTS.CUSTOMERS_ID INDIRECT/JOIN',
    ]);
    assert.deepEqual(mapping.dataset, []);
  });

  it('reads the dataset-wide list of 1-2-0 (spec example 2)', () => {
    const mapping = readColumnLineage(spec(2))!;
    assert.deepEqual([...mapping.fields.keys()], ['id', 'firstName', 'lastName', 'ageNextYear']);
    assert.deepEqual(
      kinds(mapping.dataset).map((line) => line.replace('/iceberg_warehouse/some-database/', '')),
      ['people.last_name INDIRECT/SORT', 'people.first_name INDIRECT/SORT', 'people.age INDIRECT/FILTER'],
    );
  });

  it('reads 1-0-0 (no transformations) as direct of unknown kind, and 1-0-1 IDENTITY / MASKED / other text', () => {
    const input = (field: string) => ({ namespace: 'ns', name: 't', field });
    const mapping = readColumnLineage({
      fields: {
        a: { inputFields: [input('a')] },
        b: { inputFields: [input('b')], transformationType: 'IDENTITY', transformationDescription: 'b as is' },
        c: { inputFields: [input('c')], transformationType: 'MASKED' },
        d: { inputFields: [input('d')], transformationType: 'UPPER(d)' },
        e: { inputFields: [input('e')], transformations: [], transformationType: 'identity' },
      },
    })!;
    const one = (field: string) => mapping.fields.get(field)![0]!.transformations;
    assert.deepEqual(one('a'), [{ type: 'DIRECT', subtype: null, description: null, masking: false }]);
    assert.deepEqual(one('b'), [{ type: 'DIRECT', subtype: 'IDENTITY', description: 'b as is', masking: false }]);
    assert.deepEqual(one('c'), [{ type: 'DIRECT', subtype: 'TRANSFORMATION', description: null, masking: true }]);
    assert.deepEqual(one('d'), [{ type: 'DIRECT', subtype: 'TRANSFORMATION', description: 'UPPER(d)', masking: false }]);
    assert.deepEqual(one('e'), [{ type: 'DIRECT', subtype: 'IDENTITY', description: null, masking: false }]);
  });

  it('merges an input listed twice and skips what is not well formed (facets recorded before validation)', () => {
    const mapping = readColumnLineage({
      fields: {
        x: {
          inputFields: [
            { namespace: 'ns', name: 't', field: 'a', transformations: [{ type: 'direct', subtype: 'identity' }] },
            { namespace: 'ns', name: 't', field: 'a', transformations: [{ type: 'INDIRECT', subtype: 'FILTER' }, { type: 'SIDEWAYS' }] },
            { namespace: 'ns', name: 't' },
            'nonsense',
          ],
        },
        '': { inputFields: [] },
        y: { transformationType: 'IDENTITY' },
      },
      dataset: 'not a list',
    })!;
    assert.deepEqual([...mapping.fields.keys()], ['x']);
    assert.deepEqual(kinds(mapping.fields.get('x')!), ['t.a DIRECT/IDENTITY,INDIRECT/FILTER']);
    assert.deepEqual(mapping.dataset, []);
    assert.equal(readColumnLineage('not a facet'), null);
  });
});

describe('fields and column edges of a version', () => {
  const owner = ids.datasetVersion('ns', 'out', 'v1');
  const readV1 = ids.datasetVersion('ns', 'in', 'v1');
  const derive = (facets: Record<string, unknown>, reads = [{ versionId: readV1, datasetId: ids.dataset('ns', 'in') }], schemaJson: string | null = null) =>
    deriveFields(
      {
        kind: 'DatasetVersion',
        id: owner,
        createdAt: '2024-01-01T00:00:00.000Z',
        schemaJson,
        facets: Object.fromEntries(Object.entries(facets).map(([name, value]) => [name, { at: '2024-01-01T00:00:00.000Z', value }])),
        producerId: 'Run:x',
      },
      reads,
    );
  const facet = {
    fields: {
      total: { inputFields: [{ namespace: 'ns', name: 'in', field: 'amount', transformations: [{ type: 'DIRECT', subtype: 'AGGREGATION', masking: true }] }] },
      other: { inputFields: [{ namespace: 'ns', name: 'elsewhere', field: 'z' }] },
    },
    dataset: [{ namespace: 'ns', name: 'in', field: 'day', transformations: [{ type: 'INDIRECT', subtype: 'FILTER' }] }],
  };

  it('declares the schema’s fields and the facet’s outputs, and places inputs on the versions the writer read', () => {
    const derivation = derive({
      columnLineage: facet,
      schema: {
        fields: [
          { name: 'total', type: 'double' },
          { name: 'nested', fields: [{ name: 'leaf' }] },
        ],
      },
    });
    assert.deepEqual(
      derivation.fields.map((f) => `${f.name}:${f.type}`),
      ['nested:null', 'nested.leaf:null', 'other:null', 'total:double'],
    );
    const target = (id: string | null) => (id === null ? 'its whole version' : id === ids.field(owner, 'total') ? 'total' : id);
    assert.deepEqual(
      new Set(
        derivation.edges.map(
          (e) => `${e.sourceVersionId === readV1 ? 'in@v1' : e.sourceVersionId}.${e.sourceField} -> ${target(e.targetId)} ${e.kinds.join(',')}`,
        ),
      ),
      new Set(['in@v1.amount -> total AGGREGATION,DIRECT,MASKING', 'in@v1.day -> its whole version FILTER,INDIRECT']),
    );
    // `elsewhere` was not read: its input cannot be placed on a version.
    assert.equal(derivation.unresolved, 1);
  });

  it('prefers the writer’s schema to the schema facet', () => {
    const derivation = derive({ schema: { fields: [{ name: 'from_facet' }] } }, [], JSON.stringify([{ name: 'written', type: 'int', description: null }]));
    assert.deepEqual(
      derivation.fields.map((f) => f.name),
      ['written'],
    );
  });

  it('links an input to each version of its dataset the writer read', () => {
    const readV2 = ids.datasetVersion('ns', 'in', 'v2');
    const derivation = derive({ columnLineage: { fields: { total: facet.fields.total } } }, [
      { versionId: readV1, datasetId: ids.dataset('ns', 'in') },
      { versionId: readV2, datasetId: ids.dataset('ns', 'in') },
    ]);
    assert.deepEqual(new Set(derivation.edges.map((e) => e.sourceVersionId)), new Set([readV1, readV2]));
  });

  it('stores what walks filter on', () => {
    assert.deepEqual(edgeProperties([{ type: 'INDIRECT', subtype: null, description: null, masking: false }]), {
      transformationsJson: '[{"type":"INDIRECT","subtype":null,"description":null,"masking":false}]',
      masking: false,
      kinds: ['INDIRECT'],
    });
  });
});
