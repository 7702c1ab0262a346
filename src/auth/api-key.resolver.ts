import { Arg, Ctx, Extensions, Mutation, Query, Resolver } from 'type-graphql';
import { writeContextOf, type GraphQLContext } from '../graphql/context';
import { CreateApiKeyInput } from './api-key.input';
import { ApiKey, CreatedApiKey } from './api-key.type';

/** API key administration; every field needs the admin role (checked before the operation runs). */
@Resolver()
export class ApiKeyResolver {
  @Extensions({ role: 'admin' })
  @Query(() => [ApiKey], { description: 'API keys by name (admin). Secrets are never shown again.' })
  apiKeys(@Ctx() { services }: GraphQLContext, @Arg('includeRevoked', () => Boolean, { defaultValue: false }) includeRevoked: boolean): Promise<ApiKey[]> {
    return services.apiKeys.listKeys(includeRevoked);
  }

  @Extensions({ role: 'admin' })
  @Mutation(() => CreatedApiKey, { description: 'Creates an API key (admin); its secret is in this answer only.' })
  createApiKey(@Arg('input') input: CreateApiKeyInput, @Ctx() context: GraphQLContext): Promise<CreatedApiKey> {
    return context.services.apiKeys.createKey(writeContextOf(context), input);
  }

  @Extensions({ role: 'admin' })
  @Mutation(() => ApiKey, { description: 'Revokes an API key for ever (admin); idempotent.' })
  revokeApiKey(@Arg('name') name: string, @Ctx() context: GraphQLContext): Promise<ApiKey> {
    return context.services.apiKeys.revokeKey(writeContextOf(context), name);
  }
}
