import { Arg, Args, Ctx, Extensions, ID, Mutation, Query, Resolver } from 'type-graphql';
import { PageArgs, toConnection } from '../graphql/connection';
import { writeContextOf, type GraphQLContext } from '../graphql/context';
import type { QualitySeverity } from '../lineage/quality/quality.type';
import type { DeliveryView } from './webhook.service';
import type { StoredWebhook } from './webhook.repository';
import { CreateWebhookInput, UpdateWebhookInput } from './webhook.input';
import { Webhook, WebhookDelivery, WebhookDeliveryConnection, WebhookDeliveryState, WebhookEvent } from './webhook.type';

/** Webhook administration and the delivery log; every field needs the admin role. */
@Resolver()
export class WebhookResolver {
  @Extensions({ role: 'admin' })
  @Query(() => [Webhook], { description: 'Webhooks, oldest first (admin).' })
  async webhooks(@Ctx() { services }: GraphQLContext): Promise<Webhook[]> {
    return (await services.webhooks.list()).map(toWebhook);
  }

  @Extensions({ role: 'admin' })
  @Query(() => WebhookDeliveryConnection, { description: 'The delivery log, newest first (admin): every notice, its state and its attempts.' })
  async webhookDeliveries(
    @Args() { first, after }: PageArgs,
    @Ctx() { services }: GraphQLContext,
    @Arg('webhook', () => ID, { nullable: true }) webhook?: string | null,
    @Arg('state', () => WebhookDeliveryState, { nullable: true }) state?: WebhookDeliveryState | null,
  ): Promise<WebhookDeliveryConnection> {
    const page = await services.webhooks.deliveries({ webhookId: webhook, state }, first, after);
    return toConnection({ ...page, items: page.items.map((item) => ({ cursor: item.cursor, node: toDelivery(item.node) })) });
  }

  @Extensions({ role: 'admin' })
  @Mutation(() => Webhook, { description: 'Creates a webhook (admin).' })
  async createWebhook(@Arg('input') input: CreateWebhookInput, @Ctx() context: GraphQLContext): Promise<Webhook> {
    return toWebhook(await context.services.webhooks.create(writeContextOf(context), input));
  }

  @Extensions({ role: 'admin' })
  @Mutation(() => Webhook, { description: 'Changes a webhook (admin).' })
  async updateWebhook(@Arg('id', () => ID) id: string, @Arg('input') input: UpdateWebhookInput, @Ctx() context: GraphQLContext): Promise<Webhook> {
    return toWebhook(await context.services.webhooks.update(writeContextOf(context), id, input));
  }

  @Extensions({ role: 'admin' })
  @Mutation(() => Boolean, { description: 'Deletes a webhook (admin); its notices not sent yet are cancelled, the log stays.' })
  deleteWebhook(@Arg('id', () => ID) id: string, @Ctx() context: GraphQLContext): Promise<boolean> {
    return context.services.webhooks.delete(writeContextOf(context), id);
  }

  @Extensions({ role: 'admin' })
  @Mutation(() => WebhookDelivery, { description: 'Sends a FAILED, CANCELLED or DELIVERED notice again (admin).' })
  async redeliverWebhookDelivery(@Arg('id', () => ID) id: string, @Ctx() context: GraphQLContext): Promise<WebhookDelivery> {
    return toDelivery(await context.services.webhooks.redeliver(writeContextOf(context), id));
  }
}

function toWebhook(webhook: StoredWebhook): Webhook {
  return { ...webhook, events: webhook.events as unknown as WebhookEvent[], minSeverity: webhook.minSeverity as QualitySeverity };
}

function toDelivery(delivery: DeliveryView): WebhookDelivery {
  return {
    ...delivery,
    type: delivery.type as WebhookEvent,
    state: delivery.state as WebhookDeliveryState,
    attemptLog: delivery.attemptLog.map((attempt) => ({ ...attempt, at: new Date(attempt.at) })),
  };
}
