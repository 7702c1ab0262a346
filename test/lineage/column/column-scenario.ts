import { createHash } from 'node:crypto';

/**
 * A small payments pipeline with column lineage, as OpenLineage events (our own fixture, for the questions):
 *
 *   payments.raw@v1 {id, email, amount, ts}           written by `ingest` at T0
 *   features.transactions@f1                          written by `features` run 1 at T1, reading raw@v1:
 *       id ← raw.id (IDENTITY); amount_zscore ← raw.amount (TRANSFORMATION);
 *       email_hash ← raw.email (TRANSFORMATION, masking); email_len ← raw.email (TRANSFORMATION);
 *       whole dataset ← raw.ts (INDIRECT FILTER)
 *   model <prefix>scorer@1, trained at T2 on features@f1: features amount_zscore, email_hash (IDENTITY), risk ← email_len
 *   model <prefix>churn@1, trained at T2 on features@f1: feature email_hash only
 *   payments.raw@v2 {id, email, amount, ts, country}   written by `ingest` at T3
 *   features.transactions@f2                          written by `features` run 2 at T4, reading raw@v2, with another
 *       mapping: amount_zscore ← raw.amount, raw.country (AGGREGATION); email_domain ← raw.email (TRANSFORMATION)
 *
 * Every namespace and model name starts with the test's prefix, every run id is derived from it.
 */
export const T = {
  T0: '2024-06-01T00:00:00.000Z',
  T1: '2024-06-02T00:00:00.000Z',
  T2: '2024-06-03T00:00:00.000Z',
  T3: '2024-06-04T00:00:00.000Z',
  T4: '2024-06-05T00:00:00.000Z',
};

const PRODUCER = 'https://github.com/acme/payments/tree/v1';
const SCHEMA_URL = 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent';
const CLL_URL = 'https://openlineage.io/spec/facets/1-2-0/ColumnLineageDatasetFacet.json#/$defs/ColumnLineageDatasetFacet';

export type Kinds = Array<[type: 'DIRECT' | 'INDIRECT', subtype: string, masking?: boolean]>;
export type Mapping = Record<string, Array<[dataset: string, field: string, kinds: Kinds]>>;

export class PaymentsScenario {
  constructor(readonly prefix: string) {}

  get namespace(): string {
    return `${this.prefix}warehouse`;
  }

  model(name: string): string {
    return `${this.prefix}${name}`;
  }

  runId(name: string): string {
    const hex = createHash('sha256').update(`${this.prefix}|${name}`).digest('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  }

  /** A COMPLETE event (or another type) of a run of `job`, reading and writing the datasets given. */
  event(options: {
    run: string;
    job: string;
    eventType?: string;
    at: string;
    inputs?: Array<{ name: string; version?: string }>;
    outputs?: Array<{ name: string; version?: string; schema?: string[]; mapping?: Mapping; dataset?: Array<[string, string, Kinds]> }>;
    models?: Array<{ name: string; version: string; mapping: Mapping }>;
  }): unknown {
    const ns = this.namespace;
    const version = (v: string | undefined) => (v ? { version: { _producer: PRODUCER, _schemaURL: `${SCHEMA_URL}`, datasetVersion: v } } : {});
    const inputField = ([dataset, field, kinds]: [string, string, Kinds]) => ({
      namespace: ns,
      name: dataset,
      field,
      transformations: kinds.map(([type, subtype, masking]) => ({ type, subtype, description: '', masking: masking === true })),
    });
    const columnLineage = (mapping: Mapping | undefined, dataset?: Array<[string, string, Kinds]>) =>
      mapping
        ? {
            columnLineage: {
              _producer: PRODUCER,
              _schemaURL: CLL_URL,
              fields: Object.fromEntries(Object.entries(mapping).map(([out, inputs]) => [out, { inputFields: inputs.map(inputField) }])),
              ...(dataset ? { dataset: dataset.map(inputField) } : {}),
            },
          }
        : {};
    return {
      eventType: options.eventType ?? 'COMPLETE',
      eventTime: options.at,
      producer: PRODUCER,
      schemaURL: SCHEMA_URL,
      run: { runId: this.runId(options.run) },
      job: { namespace: ns, name: options.job },
      inputs: (options.inputs ?? []).map((input) => ({ namespace: ns, name: input.name, facets: version(input.version) })),
      outputs: [
        ...(options.outputs ?? []).map((output) => ({
          namespace: ns,
          name: output.name,
          facets: {
            ...version(output.version),
            ...(output.schema
              ? { schema: { _producer: PRODUCER, _schemaURL: SCHEMA_URL, fields: output.schema.map((name) => ({ name, type: 'string' })) } }
              : {}),
            ...columnLineage(output.mapping, output.dataset),
          },
        })),
        ...(options.models ?? []).map((model) => ({
          namespace: `${ns}-models`,
          name: `${model.name}/${model.version}`,
          facets: {
            lineage_modelVersion: {
              _producer: PRODUCER,
              _schemaURL: 'urn:lineage:openlineage:facets:1-0-0:LineageModelVersionDatasetFacet.json',
              name: this.model(model.name),
              version: model.version,
            },
            ...columnLineage(model.mapping),
          },
        })),
      ],
    };
  }

  /** The whole pipeline, in time order. */
  events(): unknown[] {
    const raw = 'payments.raw';
    const features = 'features.transactions';
    const transform: Kinds = [['DIRECT', 'TRANSFORMATION']];
    const identity: Kinds = [['DIRECT', 'IDENTITY']];
    return [
      this.event({ run: 'ingest-1', job: 'ingest', at: T.T0, outputs: [{ name: raw, version: 'v1', schema: ['id', 'email', 'amount', 'ts'] }] }),
      this.event({
        run: 'features-1',
        job: 'features',
        at: T.T1,
        inputs: [{ name: raw }],
        outputs: [
          {
            name: features,
            version: 'f1',
            mapping: {
              id: [[raw, 'id', identity]],
              amount_zscore: [[raw, 'amount', transform]],
              email_hash: [[raw, 'email', [['DIRECT', 'TRANSFORMATION', true]]]],
              email_len: [[raw, 'email', transform]],
            },
            dataset: [[raw, 'ts', [['INDIRECT', 'FILTER']]]],
          },
        ],
      }),
      this.event({
        run: 'train-scorer-1',
        job: 'train-scorer',
        at: T.T2,
        inputs: [{ name: features }],
        models: [
          {
            name: 'scorer',
            version: '1',
            mapping: {
              amount_zscore: [[features, 'amount_zscore', identity]],
              email_hash: [[features, 'email_hash', identity]],
              risk: [[features, 'email_len', transform]],
            },
          },
        ],
      }),
      this.event({
        run: 'train-churn-1',
        job: 'train-churn',
        at: T.T2,
        inputs: [{ name: features }],
        models: [{ name: 'churn', version: '1', mapping: { email_hash: [[features, 'email_hash', identity]] } }],
      }),
      this.event({ run: 'ingest-2', job: 'ingest', at: T.T3, outputs: [{ name: raw, version: 'v2', schema: ['id', 'email', 'amount', 'ts', 'country'] }] }),
      this.event({
        run: 'features-2',
        job: 'features',
        at: T.T4,
        inputs: [{ name: raw }],
        outputs: [
          {
            name: features,
            version: 'f2',
            mapping: {
              id: [[raw, 'id', identity]],
              amount_zscore: [
                [raw, 'amount', [['DIRECT', 'AGGREGATION']]],
                [raw, 'country', [['INDIRECT', 'GROUP_BY']]],
              ],
              email_domain: [[raw, 'email', transform]],
            },
          },
        ],
      }),
    ];
  }
}
