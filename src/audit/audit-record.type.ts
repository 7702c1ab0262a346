import { Field, ID, ObjectType } from 'type-graphql';
import { JSONObjectResolver, JSONResolver, SafeIntResolver } from 'graphql-scalars';
import { Connection } from '../graphql/connection';
import type { AuditChange as Change } from '../core/audit-log';
import { DateTimeScalar } from '../graphql/scalars';

@ObjectType({ description: 'One change of a field, with its value before and after (null when it had none).' })
export class AuditChange implements Change {
  @Field(() => ID)
  entityId!: string;

  @Field()
  field!: string;

  @Field(() => JSONResolver, { nullable: true })
  before!: unknown;

  @Field(() => JSONResolver, { nullable: true })
  after!: unknown;
}

@ObjectType({
  description:
    'One write, as the audit trail recorded it in the same transaction. Records are numbered without gaps and hash-chained: `hash` is the SHA-256 of the record content and of `prevHash`.',
})
export class AuditRecord {
  @Field(() => SafeIntResolver, { description: 'Position in the trail, from 1, without gaps.' })
  seq!: number;

  @Field(() => DateTimeScalar)
  at!: Date;

  @Field({ description: 'The authenticated principal, or `anonymous`.' })
  actor!: string;

  @Field({ description: 'The front door: graphql, openlineage, cli or demo.' })
  source!: string;

  @Field(() => String, { nullable: true })
  requestId!: string | null;

  @Field({ description: 'What was done, e.g. `deployModel` or `runEvent.COMPLETE`.' })
  operation!: string;

  @Field(() => [ID], { description: 'Every entity the write touched.' })
  entityIds!: string[];

  @Field(() => [AuditChange], { description: 'Mutable and write-once fields the write changed.' })
  changes!: AuditChange[];

  @Field(() => JSONObjectResolver, { nullable: true })
  details!: Record<string, unknown> | null;

  @Field()
  prevHash!: string;

  @Field()
  hash!: string;
}

@ObjectType()
export class AuditRecordConnection extends Connection(AuditRecord, 'AuditRecord') {}

@ObjectType({ description: 'The result of walking the whole audit chain.' })
export class AuditVerification {
  @Field({ description: 'True when every record matches its hash and links to the one before.' })
  intact!: boolean;

  @Field(() => SafeIntResolver, { description: 'Records checked.' })
  count!: number;

  @Field({ description: 'Hash of the last record (the chain head); publish it to anchor the trail.' })
  headHash!: string;

  @Field(() => SafeIntResolver, { nullable: true, description: 'The first record that does not match, when not intact.' })
  firstBadSeq!: number | null;

  @Field(() => String, { nullable: true })
  reason!: string | null;
}
