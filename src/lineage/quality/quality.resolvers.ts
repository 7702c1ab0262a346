import { AtRiskDeploymentResolver, AtRiskResolver, DeploymentQualityResolver, ModelVersionQualityResolver } from './quality-assessment.resolver';
import {
  DeploymentStalenessFieldsResolver,
  DeploymentStalenessResolver,
  ModelVersionStalenessResolver,
  SourceStalenessResolver,
  StaleDeploymentsResolver,
  StalenessFieldsResolver,
} from './staleness.resolver';
import { DatasetVersionQualityResolver, QualityCheckResolver, QualityFlagResolver, QualityMetricsResolver } from './quality.resolver';

/** Every resolver of the data quality feature, for the schema (src/graphql/schema.ts). */
export const QUALITY_RESOLVERS = [
  DatasetVersionQualityResolver,
  QualityFlagResolver,
  QualityCheckResolver,
  QualityMetricsResolver,
  AtRiskResolver,
  DeploymentQualityResolver,
  ModelVersionQualityResolver,
  AtRiskDeploymentResolver,
  StaleDeploymentsResolver,
  DeploymentStalenessResolver,
  ModelVersionStalenessResolver,
  StalenessFieldsResolver,
  SourceStalenessResolver,
  DeploymentStalenessFieldsResolver,
] as const;
