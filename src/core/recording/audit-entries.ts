import type { AuditChange, AuditEntry } from '../audit-log';
import { fieldChanges } from '../field-changes';
import { createHash } from 'node:crypto';
import { canonicalJson, sameData } from '../canonical-json';
import type { StoredFacets } from '../facets';
import type { Applied } from './lineage-change.apply';
import type { FlagChange, LineageChange } from './lineage-change.types';
import type { RecordedConflict } from './conflict-log';
import type { DeploymentSnapshot, ReceiptSnapshot, RunSnapshot, TouchedEntity, VersionSnapshot } from './lineage-state';

/**
 * The audit entry of one recorded change, from what it touched (see LineageState.touched): every entity it
 * created or changed, the versions it linked as read or written (and the datasets of those), the model version a
 * new deployment serves, and the fields it set or changed with their values before and after (a facet as
 * `facets.<name>`, when the value of a facet an entity already had changed). A deployment or retirement that
 * found everything as asked names what it found and says it changed nothing.
 */
export function auditEntryOf(change: LineageChange, touched: readonly TouchedEntity[], applied: Applied): AuditEntry {
  if (change.kind === 'flag') return flagEntry(change, applied);
  if (applied.unchanged && (change.kind === 'deploy' || change.kind === 'retire')) {
    const entityIds = [applied.subjectId!, ...(change.kind === 'deploy' ? [change.modelVersion.id] : [])];
    return { operation: operationOf(change), entityIds, changes: [], details: { unchanged: true } };
  }
  const entityIds = new Set<string>();
  const created: string[] = [];
  const changes: AuditChange[] = [];
  const conflicts: RecordedConflict[] = [];
  for (const entity of touched) {
    if (entity.kind === 'receipt') {
      // What the event contradicted is part of its record: the entity whose fact stood, and what was set aside.
      for (const conflict of entity.after === true ? [] : (entity.after as ReceiptSnapshot).conflicts) {
        conflicts.push(conflict);
        entityIds.add(conflict.entityId);
      }
      continue;
    }
    entityIds.add(entity.id);
    if (!entity.before) created.push(entity.id);
    // A created entity's fields change from nothing to their first values.
    const after = auditedFields(entity.kind, entity.after);
    changes.push(...fieldChanges(entity.id, entity.before ? auditedFields(entity.kind, entity.before) : null, after, Object.keys(after)));
    // A created entity's facets are the event's, which `details.eventId` (its SHA-256) pins; only changes are listed.
    if (entity.before) changes.push(...facetChanges(entity.id, facetsOf(entity.before), facetsOf(entity.after)));
    if (entity.kind === 'version') entityIds.add((entity.after as VersionSnapshot).datasetId);
    if (entity.kind === 'deployment' && !entity.before) entityIds.add((entity.after as DeploymentSnapshot).modelVersionId);
    if (entity.kind === 'run') {
      for (const id of linkedVersions(entity.before as RunSnapshot | null, entity.after as RunSnapshot)) entityIds.add(id);
    }
  }
  return { operation: operationOf(change), entityIds: [...entityIds], changes, details: detailsOf(change, created, applied, conflicts) };
}

/**
 * What the record says besides the changes: for runs and events, the run id, the event id and what was created;
 * and what an event contradicted and set aside (`conflicts`); for a registration, whether the entity registered was new; for a deployment, its slot and who deployed it.
 */
function detailsOf(change: LineageChange, created: string[], applied: Applied, conflicts: readonly RecordedConflict[]): Record<string, unknown> | null {
  switch (change.kind) {
    case 'run':
    case 'job':
    case 'dataset':
      return {
        ...(change.kind === 'run' ? { runId: change.runId } : {}),
        ...(change.receipt ? { eventId: change.receipt.id } : {}),
        created: created.sort(),
        ...(conflicts.length > 0 ? { conflicts } : {}),
      };
    case 'deploy':
      return { slot: change.slot, deployedBy: change.deployedBy };
    case 'retire':
      return null;
    default:
      return { created: created.includes(applied.subjectId!) };
  }
}

/**
 * A flag is recorded against the version it flags: its verdict as a change of the version's `qualityFlag`, from
 * the status of the flag it follows; a replay names the flag it found and says it changed nothing.
 */
function flagEntry(change: FlagChange, applied: Applied): AuditEntry {
  const { id, versionId, status, reason, flaggedAt } = change.flag;
  const operation = operationOf(change);
  if (applied.unchanged) return { operation, entityIds: [versionId], details: { unchanged: true, flagId: id } };
  return {
    operation,
    entityIds: [versionId],
    changes: [{ entityId: versionId, field: 'qualityFlag', before: applied.previousFlag?.status ?? null, after: status }],
    details: { flagId: id, reason, flaggedAt },
  };
}

const OPERATIONS: Partial<Record<LineageChange['kind'], string>> = { deploy: 'deployModel', retire: 'retireDeployment', flag: 'flagDatasetVersion' };

/**
 * `runEvent.START` for a GraphQL run mutation, the mutation's name for the other GraphQL writes (`registerDataset`,
 * `deployModel`, ...); `openlineage.RunEvent.START`, `openlineage.JobEvent`, … for events.
 */
function operationOf(change: LineageChange): string {
  if (!change.receipt) {
    if (change.kind === 'run') return `runEvent.${change.event}`;
    if (change.kind === 'job' || change.kind === 'dataset') return `${change.kind}Event`;
    return OPERATIONS[change.kind] ?? change.kind;
  }
  const kind = { run: 'RunEvent', job: 'JobEvent', dataset: 'DatasetEvent' }[change.receipt.kind];
  return change.receipt.eventType ? `openlineage.${kind}.${change.receipt.eventType}` : `openlineage.${kind}`;
}

/** Versions (dataset and model) the run reads or writes now and did not before, and the datasets of those it reads. */
function linkedVersions(before: RunSnapshot | null, after: RunSnapshot): string[] {
  const added = (now: ReadonlyMap<string, unknown>, then: ReadonlyMap<string, unknown> | undefined) => [...now.keys()].filter((id) => !then?.has(id));
  const reads = added(after.reads, before?.reads);
  return [
    ...reads,
    ...reads.map((id) => after.reads.get(id)!.datasetId),
    ...added(after.writes, before?.writes),
    ...added(after.modelWrites, before?.modelWrites),
  ];
}

function facetsOf(snapshot: TouchedEntity['after']): StoredFacets | null {
  return (snapshot as { facets?: StoredFacets | null }).facets ?? null;
}

/** Facets whose value changed (a newer report of the same value is no change). */
function facetChanges(entityId: string, before: StoredFacets | null, after: StoredFacets | null): AuditChange[] {
  const names = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])].sort();
  return names.flatMap((name) => {
    const was = before && Object.hasOwn(before, name) ? before[name]!.value : null;
    const is = after && Object.hasOwn(after, name) ? after[name]!.value : null;
    return sameData(was, is) ? [] : [{ entityId, field: `facets.${name}`, before: auditedFacet(was), after: auditedFacet(is) }];
  });
}

/** Facet values longer than this (canonical JSON, UTF-16 units) are recorded by their digest. */
export const AUDITED_FACET_CHARS = 64 * 1024;

/**
 * A facet value as its audit record lists it: whole, or when larger than AUDITED_FACET_CHARS, its SHA-256 and
 * size. A producer may send facets of megabytes (a Spark logical plan) in every event of a run; listed whole,
 * each record would hold two of them, a page of `history` hundreds of megabytes, and an audit report could not be
 * built within the transaction timeout. The digest is chained like the rest of the record, and the value it pins
 * is in the raw event the record names (`details.eventId`, with the event's `body`).
 */
function auditedFacet(value: unknown): unknown {
  if (value === null) return null;
  const json = canonicalJson(value);
  if (json.length <= AUDITED_FACET_CHARS) return value;
  return { sha256: createHash('sha256').update(json).digest('hex'), bytes: Buffer.byteLength(json, 'utf8') };
}

/** The fields of a snapshot the trail records changes of (facets apart), as plain values. */
function auditedFields(kind: TouchedEntity['kind'], snapshot: TouchedEntity['after']): Record<string, unknown> {
  switch (kind) {
    case 'run': {
      const run = snapshot as RunSnapshot;
      return {
        state: run.state,
        startedAt: run.startedAt,
        endedAt: run.endedAt,
        parameters: run.parameters,
        errorMessage: run.errorMessage,
        jobId: run.jobId,
        commitId: run.commitId,
        parentRunId: run.parent?.runId ?? null,
      };
    }
    case 'job':
    case 'dataset':
    case 'model': {
      return { description: (snapshot as { description: string | null }).description };
    }
    case 'deployment': {
      const deployment = snapshot as DeploymentSnapshot;
      return { retiredAt: deployment.retiredAt, retiredBy: deployment.retiredBy };
    }
    case 'version':
    case 'modelVersion': {
      const version = snapshot as { createdAt: string; values: object };
      return { createdAt: version.createdAt, ...version.values };
    }
    case 'commit': {
      const commit = snapshot as { values: object };
      return { ...commit.values };
    }
    default:
      return {};
  }
}
