import { Field, InputType } from 'type-graphql';
import type { Role } from './principal';
import { RoleName } from './api-key.type';

@InputType({ description: 'A new API key.' })
export class CreateApiKeyInput {
  @Field({ description: 'Letters, digits, `.`, `_`, `-` and `@`, at most 64; e.g. `airflow-prod`.' })
  name!: string;

  @Field(() => RoleName)
  role!: Role;
}
