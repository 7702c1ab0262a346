import { dataOf } from '../../support/graphql';
import type { TestService } from '../../support/service';

/** Column lineage as tests compare it: compact text, sorted, so that a failure shows what differs. */

export const FIELD_SUMMARY = `
  fragment FieldSummary on ColumnField {
    id
    name
    type
    declared
    label
    upstream(first: 10) {
      totalCount
      nodes { scope upstream downstream upstreamField { label } transformations { type subtype description masking } }
    }
  }`;

export interface SummarisedField {
  id: string;
  name: string;
  type: string | null;
  declared: boolean;
  label: string;
  upstream: {
    totalCount: number;
    nodes: Array<{ scope: string; upstream: string; downstream: string; upstreamField: { label: string }; transformations: Transformation[] }>;
  };
}

export interface Transformation {
  type: string;
  subtype: string | null;
  description?: string | null;
  masking: boolean;
}

/** `DIRECT/IDENTITY`, `INDIRECT/FILTER`, `DIRECT/-` (no subtype), with `+MASKING` for a masking one. */
export function kindsOf(transformations: readonly Transformation[]): string {
  return transformations.map((t) => `${t.type}/${t.subtype ?? '-'}${t.masking ? '+MASKING' : ''}`).join(',');
}

/** A version's fields: `name: type` (undeclared ones marked), each with its upstream edges as `scope input <- kinds`. */
export async function versionFields(
  service: TestService,
  key: { namespace: string; name: string; version: string },
  strip: (text: string) => string = (text) => text,
): Promise<Record<string, { type: string | null; declared: boolean; upstream: string[] }>> {
  const { datasetVersion } = dataOf(
    await service.graphql<{ datasetVersion: { fields: { nodes: SummarisedField[] } } | null }>(
      `query Fields($namespace: String!, $name: String!, $version: String!) {
         datasetVersion(namespace: $namespace, name: $name, version: $version) { fields(first: 20) { nodes { ...FieldSummary } } }
       }
       ${FIELD_SUMMARY}`,
      key,
    ),
  );
  if (!datasetVersion) throw new Error(`no version ${key.namespace}/${key.name}@${key.version}`);
  return Object.fromEntries(
    datasetVersion.fields.nodes.map((field) => [
      field.name,
      {
        type: field.type,
        declared: field.declared,
        upstream: field.upstream.nodes.map((edge) => `${edge.scope} ${strip(edge.upstreamField.label)} <- ${kindsOf(edge.transformations)}`).sort(),
      },
    ]),
  );
}
