import { Field, ObjectType } from 'type-graphql';

@ObjectType({ description: 'What this service instance is and which database it serves.' })
export class ServiceInfo {
  @Field({ description: 'The service version (package.json).' })
  version!: string;

  @Field({ description: 'The Neo4j database this instance reads and writes.' })
  database!: string;
}
