import { Field, ID, ObjectType } from 'type-graphql';
import { Connection } from '../graphql/connection';
import { DateTimeScalar, JSONObjectScalar } from '../graphql/scalars';

@ObjectType({ description: 'A recorded fact an event contradicted: the fact stands, and the part of the event that said otherwise was set aside.' })
export class LineageConflict {
  @Field(() => ID, { description: 'The entity whose recorded fact stands (a run, dataset version, model version or commit).' })
  entityId!: string;

  @Field({ description: 'Where in the event the part set aside is (`job`, `eventType`, `outputs[0]`, `run.facets.parent`, …).' })
  path!: string;

  @Field({ description: 'What was contradicted, with both values.' })
  message!: string;
}

@ObjectType({ description: 'A raw OpenLineage event as received, kept for audit and replay; the same event delivered twice is stored once.' })
export class LineageEvent {
  @Field(() => ID, { description: 'SHA-256 (hex) of the canonical event (keys sorted): the idempotency key.' })
  id!: string;

  @Field({ description: '`run`, `job` or `dataset`: RunEvent, JobEvent or DatasetEvent.' })
  kind!: string;

  @Field(() => String, { nullable: true, description: 'START, RUNNING, COMPLETE, FAIL, ABORT or OTHER; null when the event has none.' })
  eventType!: string | null;

  @Field(() => DateTimeScalar, { description: "The event's eventTime, in UTC (milliseconds)." })
  eventTime!: Date;

  @Field({ description: 'URI of the producer that emitted it.' })
  producer!: string;

  @Field(() => DateTimeScalar, { description: 'When this service first received it.' })
  receivedAt!: Date;

  @Field({ description: 'The principal that sent it first (`anonymous` without authentication).' })
  receivedBy!: string;

  @Field({ description: 'The front door it came in by: `openlineage` (HTTP) or `cli` (replay from files).' })
  source!: string;

  @Field(() => JSONObjectScalar, { description: 'The event as sent (keys sorted), custom facets and unknown properties included.' })
  body!: Record<string, unknown>;

  @Field(() => [LineageConflict], {
    description: 'What the event contradicted and was set aside for it (the event itself is kept whole and the rest of it recorded); empty for most events.',
  })
  conflicts!: LineageConflict[];
}

@ObjectType()
export class LineageEventConnection extends Connection(LineageEvent, 'LineageEvent') {}
