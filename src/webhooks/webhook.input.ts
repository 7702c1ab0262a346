import { Field, InputType } from 'type-graphql';
import { QualitySeverity } from '../lineage/quality/quality.type';
import { WebhookEvent } from './webhook.type';

@InputType({ description: 'A webhook: where to POST notices, the secret that signs them, and which events.' })
export class CreateWebhookInput {
  @Field({ description: 'https:// (http:// only on loopback, or with WEBHOOK_ALLOW_HTTP=on).' })
  url!: string;

  @Field({ description: 'At least 16 characters; signs every notice (X-Lineage-Signature). Never shown again.' })
  secret!: string;

  @Field(() => [WebhookEvent])
  events!: WebhookEvent[];

  @Field(() => QualitySeverity, { nullable: true, description: 'Default WARN.' })
  minSeverity?: QualitySeverity | null;

  @Field(() => String, { nullable: true })
  description?: string | null;
}

@InputType({ description: 'Changes to a webhook; fields left out stay as they are.' })
export class UpdateWebhookInput {
  @Field(() => String, { nullable: true })
  url?: string | null;

  @Field(() => String, { nullable: true })
  secret?: string | null;

  @Field(() => [WebhookEvent], { nullable: true })
  events?: WebhookEvent[] | null;

  @Field(() => QualitySeverity, { nullable: true })
  minSeverity?: QualitySeverity | null;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'An inactive webhook gets no new notices; those waiting are cancelled when due.' })
  active?: boolean | null;
}
