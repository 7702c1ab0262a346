import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { PageArgs, toConnection } from '../../graphql/connection';
import type { GraphQLContext } from '../../graphql/context';
import { DatasetVersion } from '../dataset/dataset-version.type';
import { ModelVersion } from '../model/model-version.type';
import { ColumnEdge, ColumnEdgeConnection, ColumnField, ColumnFieldConnection } from './column.type';

@Resolver(() => ColumnField)
export class ColumnFieldResolver {
  @FieldResolver(() => DatasetVersion, { nullable: true, description: 'The dataset version it belongs to; null for a model feature.' })
  datasetVersion(@Root() field: ColumnField, @Ctx() { loaders }: GraphQLContext): Promise<DatasetVersion | null> | null {
    return field.ownerKind === 'DatasetVersion' ? loaders.datasetVersion.load(field.ownerId) : null;
  }

  @FieldResolver(() => ModelVersion, { nullable: true, description: 'The model version it is a feature of; null for a dataset field.' })
  modelVersion(@Root() field: ColumnField, @Ctx() { loaders }: GraphQLContext): Promise<ModelVersion | null> | null {
    return field.ownerKind === 'ModelVersion' ? loaders.modelVersion.load(field.ownerId) : null;
  }

  @FieldResolver(() => ColumnEdgeConnection, {
    description: 'One hop upstream: the input fields it was computed from, and those that affect its whole version (scope DATASET); by input field id.',
  })
  async upstream(@Root() field: ColumnField, @Args() { first, after }: PageArgs, @Ctx() { loaders }: GraphQLContext): Promise<ColumnEdgeConnection> {
    return toConnection(await loaders.upstreamColumnEdgePages.load({ parentId: field.id, first, after }));
  }

  @FieldResolver(() => ColumnEdgeConnection, {
    description: 'One hop downstream: the fields computed from it, and the versions it affects whole (scope DATASET); by far end id.',
  })
  async downstream(@Root() field: ColumnField, @Args() { first, after }: PageArgs, @Ctx() { loaders }: GraphQLContext): Promise<ColumnEdgeConnection> {
    return toConnection(await loaders.downstreamColumnEdgePages.load({ parentId: field.id, first, after }));
  }
}

@Resolver(() => ColumnEdge)
export class ColumnEdgeResolver {
  @FieldResolver(() => ColumnField, { description: 'The input field.' })
  async upstreamField(@Root() edge: ColumnEdge, @Ctx() { loaders }: GraphQLContext): Promise<ColumnField> {
    return (await loaders.columnField.load(edge.upstream))!;
  }

  @FieldResolver(() => ColumnField, { nullable: true, description: 'The output field; null for scope DATASET (`downstream` is then the output version).' })
  downstreamField(@Root() edge: ColumnEdge, @Ctx() { loaders }: GraphQLContext): Promise<ColumnField | null> | null {
    return edge.scope === 'FIELD' ? loaders.columnField.load(edge.downstream) : null;
  }
}

@Resolver(() => DatasetVersion)
export class DatasetVersionFieldsResolver {
  @FieldResolver(() => ColumnFieldConnection, {
    description:
      'Its fields: those of its schema and those its column lineage names, by name; each with its column lineage one hop up and down (`upstream`, `downstream`), or walk further with columnLineage(from: field.id).',
  })
  async fields(@Root() version: DatasetVersion, @Args() { first, after }: PageArgs, @Ctx() { loaders }: GraphQLContext): Promise<ColumnFieldConnection> {
    return toConnection(await loaders.fieldPagesOfDatasetVersion.load({ parentId: version.id, first, after }));
  }
}

@Resolver(() => ModelVersion)
export class ModelVersionFieldsResolver {
  @FieldResolver(() => ColumnFieldConnection, {
    description:
      "Its features, as its training run listed them (the model output's `columnLineage` or `schema` facet), by name; `upstream` gives the columns of the exact dataset versions the run read.",
  })
  async fields(@Root() version: ModelVersion, @Args() { first, after }: PageArgs, @Ctx() { loaders }: GraphQLContext): Promise<ColumnFieldConnection> {
    return toConnection(await loaders.fieldPagesOfModelVersion.load({ parentId: version.id, first, after }));
  }
}
