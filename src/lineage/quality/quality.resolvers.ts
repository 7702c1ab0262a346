import { DatasetVersionQualityResolver, QualityCheckResolver, QualityFlagResolver, QualityMetricsResolver } from './quality.resolver';

/** Every resolver of the data quality feature, for the schema (src/graphql/schema.ts). */
export const QUALITY_RESOLVERS = [DatasetVersionQualityResolver, QualityFlagResolver, QualityCheckResolver, QualityMetricsResolver] as const;
