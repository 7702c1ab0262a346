import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Connection } from '../graphql/connection';
import { DateTimeScalar, JSONObjectScalar } from '../graphql/scalars';
import { QualitySeverity } from '../lineage/quality/quality.type';

export enum WebhookEvent {
  QUALITY_CHECK_FAILED = 'QUALITY_CHECK_FAILED',
  DATASET_VERSION_FLAGGED = 'DATASET_VERSION_FLAGGED',
  DATASET_VERSION_CLEARED = 'DATASET_VERSION_CLEARED',
}

registerEnumType(WebhookEvent, {
  name: 'WebhookEvent',
  description:
    "QUALITY_CHECK_FAILED: an ingested check of a dataset version failed (at or above the webhook's minSeverity) where it had not failed before. DATASET_VERSION_FLAGGED: a version was flagged SUSPECT or BAD. DATASET_VERSION_CLEARED: a version was cleared.",
});

export enum WebhookDeliveryState {
  PENDING = 'PENDING',
  SENDING = 'SENDING',
  DELIVERED = 'DELIVERED',
  FAILED = 'FAILED',
  CANCELLED = 'CANCELLED',
}

registerEnumType(WebhookDeliveryState, {
  name: 'WebhookDeliveryState',
  description:
    'PENDING: waiting for its next attempt. SENDING: being sent by a worker. DELIVERED: a 2xx answer. FAILED: WEBHOOK_MAX_ATTEMPTS attempts failed. CANCELLED: its webhook was deleted or deactivated.',
});

@ObjectType({ description: 'Where notices about data quality go. The secret signs them and is never shown.' })
export class Webhook {
  @Field(() => ID)
  id!: string;

  @Field()
  url!: string;

  @Field(() => [WebhookEvent])
  events!: WebhookEvent[];

  @Field(() => QualitySeverity, { description: 'Failed checks below this severity send no notice.' })
  minSeverity!: QualitySeverity;

  @Field(() => String, { nullable: true })
  description!: string | null;

  @Field()
  active!: boolean;

  @Field(() => DateTimeScalar)
  createdAt!: Date;

  @Field()
  createdBy!: string;

  @Field(() => DateTimeScalar, { nullable: true })
  updatedAt!: Date | null;
}

@ObjectType({ description: 'One attempt to send a notice.' })
export class WebhookAttempt {
  @Field(() => DateTimeScalar)
  at!: Date;

  @Field(() => Int, { nullable: true, description: 'The HTTP status answered; null when none was (timeout, refused connection).' })
  status!: number | null;

  @Field(() => String, { nullable: true })
  error!: string | null;

  @Field(() => Int)
  durationMs!: number;
}

@ObjectType({ description: 'A notice for one webhook, with its delivery log.' })
export class WebhookDelivery {
  @Field(() => ID, { description: 'Also sent as the header X-Lineage-Delivery: receivers dedupe by it (delivery is at least once).' })
  id!: string;

  @Field(() => ID)
  webhookId!: string;

  @Field(() => WebhookEvent)
  type!: WebhookEvent;

  @Field(() => DateTimeScalar, { description: 'When what it is about happened.' })
  at!: Date;

  @Field(() => ID)
  datasetVersionId!: string;

  @Field(() => WebhookDeliveryState)
  state!: WebhookDeliveryState;

  @Field(() => Int)
  attempts!: number;

  @Field(() => DateTimeScalar)
  createdAt!: Date;

  @Field(() => DateTimeScalar, { nullable: true })
  nextAttemptAt!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true })
  deliveredAt!: Date | null;

  @Field(() => Int, { nullable: true })
  lastStatus!: number | null;

  @Field(() => String, { nullable: true })
  lastError!: string | null;

  @Field(() => [WebhookAttempt])
  attemptLog!: WebhookAttempt[];

  @Field(() => JSONObjectScalar, { nullable: true, description: 'The notice as sent (composed at the first attempt).' })
  payload!: Record<string, unknown> | null;
}

@ObjectType()
export class WebhookDeliveryConnection extends Connection(WebhookDelivery, 'WebhookDelivery') {}
