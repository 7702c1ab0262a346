import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { AuditResolver, HISTORY_RESOLVERS } from '../audit/audit.resolver';
import { ApiKeyResolver } from '../auth/api-key.resolver';
import { ViewerResolver } from '../auth/viewer.resolver';
import { ColumnEdgeResolver, ColumnFieldResolver, DatasetVersionFieldsResolver, ModelVersionFieldsResolver } from '../lineage/column/column-field.resolver';
import {
  ColumnLineageResolver,
  ImpactedDatasetVersionResolver,
  ImpactedDeploymentResolver,
  ImpactedModelVersionResolver,
} from '../lineage/column/column-lineage.resolver';
import { CommitResolver } from '../lineage/commit/commit.resolver';
import { DatasetResolver } from '../lineage/dataset/dataset.resolver';
import { DatasetVersionResolver } from '../lineage/dataset/dataset-version.resolver';
import { DeploymentResolver } from '../lineage/deployment/deployment.resolver';
import { JobResolver } from '../lineage/job/job.resolver';
import { ModelResolver } from '../lineage/model/model.resolver';
import { ModelVersionResolver } from '../lineage/model/model-version.resolver';
import { NodeResolver } from '../lineage/node/node.resolver';
import { ENTITY_QUESTION_RESOLVERS } from '../lineage/questions/entity-questions.resolver';
import { ImpactResolver } from '../lineage/questions/impact.resolver';
import { LineageGraphResolver } from '../lineage/questions/lineage-graph.resolver';
import { LineageNodeResolver } from '../lineage/questions/lineage-node.resolver';
import { ProvenanceResolver } from '../lineage/questions/provenance.resolver';
import { ReproductionResolver, ReproductionStepResolver } from '../lineage/questions/reproduction.resolver';
import { SearchResolver } from '../lineage/questions/search.resolver';
import { RunResolver } from '../lineage/run/run.resolver';
import { QUALITY_RESOLVERS } from '../lineage/quality/quality.resolvers';
import { WebhookResolver } from '../webhooks/webhook.resolver';
import { LINEAGE_EVENT_RESOLVERS } from '../openlineage/lineage-event.resolver';
import { ServiceInfoResolver } from '../system/service-info.resolver';

/** Column-level lineage (src/lineage/column): its questions, and the fields of dataset and model versions. */
const COLUMN_RESOLVERS = [
  ColumnLineageResolver,
  ImpactedDatasetVersionResolver,
  ImpactedModelVersionResolver,
  ImpactedDeploymentResolver,
  ColumnFieldResolver,
  ColumnEdgeResolver,
  DatasetVersionFieldsResolver,
  ModelVersionFieldsResolver,
] as const;

/** The GraphQL schema, built from the resolver classes; schema/schema.graphql is its committed print. */
export function buildLineageSchema(): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: [
      NodeResolver,
      DatasetResolver,
      DatasetVersionResolver,
      JobResolver,
      RunResolver,
      CommitResolver,
      ModelResolver,
      ModelVersionResolver,
      DeploymentResolver,
      AuditResolver,
      ...HISTORY_RESOLVERS,
      ServiceInfoResolver,
      ViewerResolver,
      ApiKeyResolver,
      ProvenanceResolver,
      ImpactResolver,
      ReproductionResolver,
      ReproductionStepResolver,
      LineageGraphResolver,
      ...ENTITY_QUESTION_RESOLVERS,
      LineageNodeResolver,
      SearchResolver,
      ...COLUMN_RESOLVERS,
      ...QUALITY_RESOLVERS,
      WebhookResolver,
      ...LINEAGE_EVENT_RESOLVERS,
    ],
    // Input is validated by the services, which know the domain rules; class-validator is not used.
    validate: false,
  });
}
