import { Field, ID, ObjectType } from 'type-graphql';
import { DateTimeScalar, JSONObjectScalar } from '../../graphql/scalars';
import { Connection } from '../../graphql/connection';
import { Node } from '../node/node.type';

@ObjectType({ implements: Node, description: 'An immutable model version: the artifact a training run produced. Fields are write-once.' })
export class ModelVersion implements Node {
  kind!: 'ModelVersion';
  modelId!: string;
  /** Facets of the OpenLineage output that declared it, as stored; the `facets` field shows their values. */
  facetsJson?: string | null;

  @Field(() => ID)
  id!: string;

  @Field({ description: 'Name of the model.' })
  modelName!: string;

  @Field({ description: 'Version string, unique within the model.' })
  version!: string;

  @Field(() => String, { nullable: true, description: 'Where the artifact is stored, e.g. `s3://models/fraud/3/model.onnx`.' })
  artifactUri!: string | null;

  @Field(() => String, { nullable: true, description: 'Content digest of the artifact, e.g. `sha256:…`.' })
  digest!: string | null;

  @Field(() => String, { nullable: true, description: 'e.g. `xgboost 2.0`, `pytorch 2.3`.' })
  framework!: string | null;

  @Field(() => JSONObjectScalar, { nullable: true, description: 'Evaluation metrics, e.g. `{"auc": 0.94}`.' })
  metrics!: Record<string, unknown> | null;

  @Field(() => DateTimeScalar, { description: 'When the version came into existence (time travel compares against this).' })
  createdAt!: Date;
}

@ObjectType()
export class ModelVersionConnection extends Connection(ModelVersion, 'ModelVersion') {}
