import { Arg, Args, Ctx, FieldResolver, ID, Query, Resolver, Root, type ClassType } from 'type-graphql';
import { PageArgs, toConnection } from '../graphql/connection';
import type { GraphQLContext } from '../graphql/context';
import { DateTimeScalar } from '../graphql/scalars';
import { Commit } from '../lineage/commit/commit.type';
import { Dataset } from '../lineage/dataset/dataset.type';
import { DatasetVersion } from '../lineage/dataset/dataset-version.type';
import { Deployment } from '../lineage/deployment/deployment.type';
import { Job } from '../lineage/job/job.type';
import { Model } from '../lineage/model/model.type';
import { ModelVersion } from '../lineage/model/model-version.type';
import { Run } from '../lineage/run/run.type';
import { AuditRecordConnection, AuditVerification } from './audit-record.type';

@Resolver()
export class AuditResolver {
  @Query(() => AuditRecordConnection, { description: 'The audit trail, oldest first (or newest first), filtered by entity, actor and time window.' })
  async auditTrail(
    @Args() { first, after }: PageArgs,
    @Ctx() { services }: GraphQLContext,
    @Arg('entity', () => ID, { nullable: true, description: 'Only records that touched this entity.' }) entity?: string | null,
    @Arg('actor', () => String, { nullable: true }) actor?: string | null,
    @Arg('requestId', () => String, { nullable: true, description: 'Only the records of one HTTP request (its x-request-id).' }) requestId?: string | null,
    @Arg('since', () => DateTimeScalar, { nullable: true, description: 'Inclusive.' }) since?: Date | null,
    @Arg('until', () => DateTimeScalar, { nullable: true, description: 'Exclusive.' }) until?: Date | null,
    @Arg('newestFirst', () => Boolean, { nullable: true, defaultValue: false }) newestFirst?: boolean,
  ): Promise<AuditRecordConnection> {
    return toConnection(await services.audit.trail({ entity, actor, requestId, since, until, newestFirst }, first, after));
  }

  @Query(() => AuditVerification, { description: 'Walks the whole hash chain and reports the first record that does not match, or the head hash and count.' })
  verifyAuditTrail(@Ctx() { services }: GraphQLContext): Promise<AuditVerification> {
    return services.audit.verify();
  }
}

/** Every entity type exposes its own history: the audit records that touched it, newest first. */
function historyResolverFor<T extends { id: string }>(type: ClassType<T>) {
  @Resolver(() => type)
  class HistoryResolver {
    @FieldResolver(() => AuditRecordConnection, { description: 'Audit records of the writes that touched this entity, newest first.' })
    async history(@Root() entity: T, @Args() { first, after }: PageArgs, @Ctx() { loaders }: GraphQLContext): Promise<AuditRecordConnection> {
      return toConnection(await loaders.auditHistoryPages.load({ parentId: entity.id, first, after }));
    }
  }
  return HistoryResolver;
}

const AUDITED_TYPES: Array<ClassType<{ id: string }>> = [Dataset, DatasetVersion, Job, Run, Commit, Model, ModelVersion, Deployment];

export const HISTORY_RESOLVERS = AUDITED_TYPES.map((type) => historyResolverFor(type));
