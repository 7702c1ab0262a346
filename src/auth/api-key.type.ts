import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { DateTimeScalar } from '../graphql/scalars';
import type { Role } from './principal';

/** The roles as a GraphQL enum; the values are the Role strings of src/auth/principal.ts. */
export enum RoleName {
  reader = 'reader',
  writer = 'writer',
  admin = 'admin',
}

registerEnumType(RoleName, {
  name: 'Role',
  description: 'reader: queries and reports; writer: also mutations and OpenLineage ingestion; admin: also API keys.',
});

@ObjectType({ description: 'An API key, as an admin sees it: never its secret, which is shown once, at creation.' })
export class ApiKey {
  @Field({ description: 'Unique for ever (also after revocation); its writes are recorded as actor `key:<name>`.' })
  name!: string;

  @Field(() => RoleName)
  role!: Role;

  @Field({ description: 'The first characters of the secret, to tell keys apart (e.g. in a secret store).' })
  prefix!: string;

  @Field(() => DateTimeScalar)
  createdAt!: Date;

  @Field({ description: 'The principal that created it.' })
  createdBy!: string;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Null while the key is active.' })
  revokedAt!: Date | null;

  @Field(() => String, { nullable: true })
  revokedBy!: string | null;
}

@ObjectType({ description: 'A new API key and its secret. The secret is not stored and cannot be shown again.' })
export class CreatedApiKey {
  @Field(() => ApiKey)
  key!: ApiKey;

  @Field({ description: 'Send it as `Authorization: Bearer <secret>`.' })
  secret!: string;
}
