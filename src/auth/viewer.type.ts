import { Field, ObjectType } from 'type-graphql';
import { RoleName } from './api-key.type';
import type { Role } from './principal';

@ObjectType({ description: 'The caller, as the service authenticated it.' })
export class Viewer {
  @Field({ description: '`key:<name>` for an API key, `jwt:<subject>` for a JWT, `anonymous` when authentication is off.' })
  name!: string;

  @Field(() => RoleName)
  role!: Role;
}
