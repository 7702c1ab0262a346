import { sameData } from '../canonical-json';
import { MissingState, type LineageState, type ModelVersionSnapshot, type RunSnapshot, type VersionSnapshot } from '../recording/lineage-state';
import { deriveFields, derivationInputs, needsReads, type FieldDerivation, type FieldOwner, type ReadVersion } from './field-derivation';

/**
 * The column-level part of a recorder batch: the dataset and model versions whose fields or column edges the
 * batch's changes alter, each with its new derivation (field-derivation.ts). An owner is derived again when
 * anything its derivation reads changed: its schema, its `schema` or `columnLineage` facet, its creation time,
 * or the reads of the run that wrote it (a START arriving after the COMPLETE moves the run's read time, and with
 * it the versions its input fields resolve to).
 *
 * Called by the recorder after it applied a batch (the hook in lineage.recorder.ts). The writer of an owner is
 * usually in the batch; when it is not loaded, it is noted as wanted and none is returned: the recorder then loads
 * it and applies the batch again, as for any state it lacked.
 */
export function columnWritesOf(state: LineageState): ColumnWrite[] {
  const { loaded } = state;
  const owners = new Map<string, { after: FieldOwner; before: FieldOwner | null | undefined }>();
  const consider = (kind: 'version' | 'modelVersion', id: string) => {
    if (owners.has(id)) return;
    const after = state.get(kind, id);
    if (!after) return;
    const before = loaded.get(kind, id);
    owners.set(id, { after: ownerOf(kind, after), before: before === undefined ? undefined : before && ownerOf(kind, before) });
  };
  const derivations: ColumnWrite[] = [];
  try {
    for (const version of state.changedOf('version')) consider('version', version.id);
    for (const version of state.changedOf('modelVersion')) consider('modelVersion', version.id);
    for (const run of state.changedOf('run')) {
      for (const id of run.writes.keys()) consider('version', id);
      for (const id of run.modelWrites.keys()) consider('modelVersion', id);
    }
    for (const { after, before } of owners.values()) {
      const readsAfter = readsFor(after, (id) => state.get('run', id));
      const readsBefore = before ? readsFor(before, (id) => (loaded.has('run', id) ? loaded.get('run', id) : state.get('run', id))) : null;
      if (before && sameData(derivationInputs(after, readsAfter), derivationInputs(before, readsBefore))) continue;
      const derivation = deriveFields(after, readsAfter ?? []);
      // Most outputs of most producers name no fields: nothing to write, unless they had some or moved in time
      // (the fields that other versions' facets gave them follow their creation time).
      const hadNone = !before || isEmpty(deriveFields(before, readsBefore ?? []));
      if (isEmpty(derivation) && hadNone && (!before || before.createdAt === after.createdAt)) continue;
      derivations.push({ ...derivation, created: before === null });
    }
  } catch (error) {
    if (error instanceof MissingState) return [];
    throw error;
  }
  return derivations.sort((a, b) => (a.ownerId < b.ownerId ? -1 : a.ownerId > b.ownerId ? 1 : 0));
}

/** A derivation to write; `created` when its owner did not exist before the batch (nothing of it to replace). */
export interface ColumnWrite extends FieldDerivation {
  created: boolean;
}

function isEmpty(derivation: FieldDerivation): boolean {
  return derivation.fields.length === 0 && derivation.edges.length === 0;
}

/** The versions the owner's writer read, when its column lineage names inputs (else they do not matter). */
function readsFor(owner: FieldOwner, runOf: (id: string) => RunSnapshot | null | undefined): ReadVersion[] | null {
  if (!owner.producerId || !needsReads(owner)) return null;
  const run = runOf(owner.producerId);
  return run ? [...run.reads].map(([versionId, edge]) => ({ versionId, datasetId: edge.datasetId })) : [];
}

function ownerOf(kind: 'version' | 'modelVersion', snapshot: VersionSnapshot | ModelVersionSnapshot): FieldOwner {
  if (kind === 'version') {
    const version = snapshot as VersionSnapshot;
    return {
      kind: 'DatasetVersion',
      id: version.id,
      createdAt: version.createdAt,
      schemaJson: version.values.schemaJson,
      facets: version.facets,
      producerId: version.producer?.id ?? null,
    };
  }
  const version = snapshot as ModelVersionSnapshot;
  return { kind: 'ModelVersion', id: version.id, createdAt: version.createdAt, schemaJson: null, facets: version.facets, producerId: version.producerId };
}
