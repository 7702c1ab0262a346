import { randomUUID } from 'node:crypto';

/**
 * A valid OpenLineage RunEvent (spec 2-0-2) as the python client sends it, with a run reading one dataset version
 * and writing another; used by the role, fuzz and load tests against POST /api/v1/lineage.
 */
export function runEvent(options: {
  namespace: string;
  job?: string;
  runId?: string;
  eventType?: string;
  eventTime?: string;
  input?: string;
  output?: string;
}): Record<string, any> {
  const producer = 'https://github.com/OpenLineage/OpenLineage/tree/1.24.2/client/python';
  return {
    eventType: options.eventType ?? 'COMPLETE',
    eventTime: options.eventTime ?? new Date().toISOString(),
    producer,
    schemaURL: 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent',
    run: {
      runId: options.runId ?? randomUUID(),
      facets: {
        lineage_parameters: {
          _producer: producer,
          _schemaURL: 'urn:lineage:openlineage:facets:1-0-0:LineageParametersRunFacet.json#/$defs/LineageParametersRunFacet',
          parameters: { seed: 7 },
        },
      },
    },
    job: {
      namespace: options.namespace,
      name: options.job ?? 'pipeline.step',
      facets: {
        sourceCodeLocation: {
          _producer: producer,
          _schemaURL: 'https://openlineage.io/spec/facets/1-1-0/SourceCodeLocationJobFacet.json#/$defs/SourceCodeLocationJobFacet',
          type: 'git',
          url: 'https://github.com/acme/pipelines',
          version: '9f2c1e7b4a5d6c8e0f1a2b3c4d5e6f708192a3b4',
        },
      },
    },
    inputs: options.input ? [{ namespace: options.namespace, name: options.input }] : [],
    outputs: options.output
      ? [
          {
            namespace: options.namespace,
            name: options.output,
            facets: {
              version: {
                _producer: producer,
                _schemaURL: 'https://openlineage.io/spec/facets/1-0-1/DatasetVersionDatasetFacet.json#/$defs/DatasetVersionDatasetFacet',
                datasetVersion: randomUUID(),
              },
            },
          },
        ]
      : [],
  };
}
