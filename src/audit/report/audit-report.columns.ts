import type { ColumnLineageService } from '../../lineage/column/column-lineage.service';
import type { ReportFeatures } from './audit-report.types';

/**
 * The column-level part of an audit report: the model version's features and, for each, the source columns it
 * was computed from (the far end of its upstream column lineage, on the dataset versions its training run and
 * the runs before it read), as of the report's instant. Null when no column lineage of the model is recorded.
 */
export async function reportFeatures(columns: ColumnLineageService, modelVersionId: string, asOf: string): Promise<ReportFeatures | null> {
  const found = await columns.sourceColumns(modelVersionId, asOf);
  if (!found) return null;
  return {
    truncated: found.truncated,
    features: found.fields.map(({ field, sources }) => ({
      name: field.name,
      type: field.type,
      sources: sources.map((source) => ({
        column: `${source.namespace ?? ''}/${source.datasetName ?? source.modelName ?? ''}@${source.version}.${source.name}`,
        datasetVersionId: source.ownerId,
        masked: source.masked === true,
      })),
    })),
  };
}

/** Rows of the features table, one per source column (a feature without sources gets one row): feature, source, masked. */
export function featureRows(features: ReportFeatures): Array<[feature: string, source: string, masked: string]> {
  return features.features.flatMap((feature) => {
    const name = feature.type ? `${feature.name} (${feature.type})` : feature.name;
    return feature.sources.length === 0
      ? [[name, 'none recorded', ''] as [string, string, string]]
      : feature.sources.map((source): [string, string, string] => [name, source.column, source.masked ? 'masked on every path' : '']);
  });
}
