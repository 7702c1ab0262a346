import type { Database, Tx } from '../../db/database';
import { BadInputError, NotFoundError } from '../../errors';
import { ids, isFieldId } from '../../core/ids';
import { inKeyOrder } from '../../core/key-order';
import { mapPage, pageRequest, type Page } from '../../core/page';
import { INPUT_LIMITS, optionalName, requiredName } from '../../core/validate';
import type { Limits } from '../../limits';
import { asOfArgument } from '../questions/question-arguments';
import type { TruncationReason } from '../../core/vocabulary';
import { LineageDirection } from '../questions/lineage.type';
import { columnBounds, type ColumnBounds } from './column-limits';
import type { ColumnImpact, ColumnLineage, ColumnWalkResult } from './column-lineage.type';
import { ColumnReadRepository, transformationsOf, type EdgeDirection, type StoredColumnEdge, type StoredField } from './column-read.repository';
import { ColumnWalkRepository, type WalkStart } from './column-walk.repository';
import { edgeKey, isMasked, walkColumns, type ColumnWalk, type WalkDirection, type WalkedField } from './column-walk';
import { ColumnEdgeScope, type ColumnEdge, type ColumnField, type ColumnTransformationKind } from './column.type';
import type { FieldOwnerKind } from '../../core/column/field-derivation';

export interface ColumnLineageQuery {
  /** A field's global id; or the dataset (or model) and field by name (the version current at `asOf` unless `version`). */
  from?: string | null;
  /** A model's name: the field is a feature of its version. */
  model?: string | null;
  namespace?: string | null;
  name?: string | null;
  field?: string | null;
  version?: string | null;
  direction?: LineageDirection | null;
  depth?: number | null;
  asOf?: Date | string | null;
  transformations?: readonly ColumnTransformationKind[] | null;
  maxNodes?: number | null;
}

export interface ColumnImpactQuery {
  namespace: string;
  name: string;
  field: string;
  version?: string | null;
  asOf?: Date | string | null;
  maxDepth?: number | null;
  maxNodes?: number | null;
  transformations?: readonly ColumnTransformationKind[] | null;
}

const DIRECTIONS_OF: Record<LineageDirection, WalkDirection[]> = {
  [LineageDirection.UPSTREAM]: ['UP'],
  [LineageDirection.DOWNSTREAM]: ['DOWN'],
  [LineageDirection.BOTH]: ['UP', 'DOWN'],
};

/**
 * Column-level lineage: the fields of dataset and model versions and the column edges between them (written by
 * the recorder, see src/core/column/column-writes.ts), and the two questions asked of them, each one bounded walk
 * in one read transaction (column-walk.ts).
 */
export class ColumnLineageService {
  constructor(
    private readonly db: Database,
    private readonly limits: Readonly<Limits>,
    private readonly reads = new ColumnReadRepository(),
    private readonly walks = new ColumnWalkRepository(),
  ) {}

  /**
   * Where a field came from and where it went, as the graph stood at `asOf`: upstream the input fields it was
   * computed from, on the versions the writing runs read; downstream the fields computed from it.
   */
  traceColumn(query: ColumnLineageQuery): Promise<ColumnLineage> {
    const asOf = asOfArgument(query.asOf);
    const direction = query.direction ?? LineageDirection.UPSTREAM;
    const bounds = columnBounds('depth', query.depth, query.maxNodes, this.limits.traversal);
    const kinds = query.transformations && query.transformations.length > 0 ? [...new Set(query.transformations)] : null;
    const start = startArguments(query);
    return this.db.read('columnLineage', async (tx) => {
      const from = await this.resolveStart(tx, start, asOf);
      const walk = await this.walk(tx, [from], DIRECTIONS_OF[direction], bounds, asOf, kinds);
      const fields = answerFields(walk);
      return { ...walkResult(walk, bounds, asOf), start: fields[0]!, direction, fields };
    });
  }

  /**
   * The governance question: every field, dataset version, model version and live deployment computed from a
   * column as of `asOf`, from the column in every version of its dataset that existed then (or in one version).
   * Each is `masked` when every path to it passed through a masking transformation.
   */
  assessColumnImpact(query: ColumnImpactQuery): Promise<ColumnImpact> {
    const asOf = asOfArgument(query.asOf);
    const bounds = columnBounds('maxDepth', query.maxDepth, query.maxNodes, this.limits.traversal);
    const kinds = query.transformations && query.transformations.length > 0 ? [...new Set(query.transformations)] : null;
    const namespace = requiredName('namespace', query.namespace);
    const name = requiredName('name', query.name);
    const field = requiredName('field', query.field);
    const version = optionalName('version', query.version, INPUT_LIMITS.version);
    return this.db.read('columnImpact', async (tx) => {
      const starts = version
        ? await this.walks.startsByIds(tx, [ids.field(ids.datasetVersion(namespace, name, version), field)], asOf)
        : await this.walks.fieldInVersions(tx, ids.dataset(namespace, name), field, asOf);
      if (starts.length === 0) {
        throw new NotFoundError('Field', `${field} of ${namespace}/${name}${version ? `@${version}` : ''} (as of ${asOf})`);
      }
      const walk = await this.walk(tx, starts, ['DOWN'], bounds, asOf, kinds);
      const all = answerFields(walk);
      const startIds = new Set(starts.map((start) => start.field.id));
      const reached = all.filter((f) => !startIds.has(f.id));
      const owners = ownersOf(reached);
      const models = owners.filter((owner) => owner.kind === 'ModelVersion');
      const live = await this.walks.liveDeployments(
        tx,
        models.map((m) => m.id),
        asOf,
      );
      const maskedModel = new Map(models.map((m) => [m.id, m.masked]));
      return {
        ...walkResult(walk, bounds, asOf),
        starts: all.filter((f) => startIds.has(f.id)),
        fields: reached,
        datasetVersions: owners.filter((o) => o.kind === 'DatasetVersion').map((o) => ({ datasetVersionId: o.id, masked: o.masked, fields: o.fields })),
        modelVersions: models.map((o) => ({ modelVersionId: o.id, masked: o.masked, fields: o.fields })),
        deployments: live.map((d) => ({ deploymentId: d.deploymentId, modelVersionId: d.modelVersionId, masked: maskedModel.get(d.modelVersionId) ?? false })),
      };
    });
  }

  /**
   * The source columns of each field of an owner (a model version's features, say): the fields at the far end of
   * its upstream column lineage as of `asOf`, each `masked` when every path from it passed through a masking
   * transformation. Null when the owner has no fields (nothing is known of it at column level).
   */
  sourceColumns(ownerId: string, asOf: string): Promise<SourceColumns | null> {
    const bounds = columnBounds('depth', this.limits.traversal.maxDepth, null, this.limits.traversal);
    return this.db.read('sourceColumns', async (tx) => {
      const owned = await this.reads.fieldsOf(tx, ownerId, MAX_OWNED_FIELDS + 1);
      if (owned.length === 0) return null;
      const starts = await this.walks.startsByIds(
        tx,
        owned.slice(0, MAX_OWNED_FIELDS).map((field) => field.id),
        asOf,
      );
      let truncated = owned.length > MAX_OWNED_FIELDS;
      const fields: SourceColumns['fields'] = [];
      for (const start of starts.sort((a, b) => compare(a.field.name, b.field.name))) {
        const walk = await this.walk(tx, [start], ['UP'], bounds, asOf, null);
        truncated ||= walk.truncatedReason !== null;
        const fed = new Set([...walk.edges.values()].map((edge) => edge.downstream));
        const sources = [...walk.fields.values()]
          .filter((walked) => walked.field.id !== start.field.id && !fed.has(walked.field.id) && !fed.has(walked.field.ownerId))
          .map((walked) => toColumnField(walked.field, walked))
          .sort((a, b) => compare(a.label, b.label));
        fields.push({ field: toColumnField(start.field), sources });
      }
      return { fields, truncated };
    });
  }

  /** The fields of each owner (dataset or model version), by name, a page each. */
  fieldPages(ownerKind: FieldOwnerKind, keys: ReadonlyArray<{ ownerId: string; first?: number | null; after?: string | null }>): Promise<Page<ColumnField>[]> {
    const requests = keys.map((key) => ({ parentId: key.ownerId, request: pageRequest(key.first, key.after, this.limits.page) }));
    return this.db.read(`columnFields.${ownerKind}`, async (tx) =>
      (await this.reads.fieldPages(tx, ownerKind, requests)).map((page) => mapPage(page, toColumnField)),
    );
  }

  /** One hop of column lineage around each field: the edges into it (UP) or out of it (DOWN), a page each. */
  edgePages(direction: EdgeDirection, keys: ReadonlyArray<{ fieldId: string; first?: number | null; after?: string | null }>): Promise<Page<ColumnEdge>[]> {
    const requests = keys.map((key) => ({ parentId: key.fieldId, request: pageRequest(key.first, key.after, this.limits.page) }));
    return this.db.read(`columnEdges.${direction}`, async (tx) =>
      (await this.reads.edgePages(tx, direction, requests)).map((page) => mapPage(page, toColumnEdge)),
    );
  }

  findFieldsByIds(fieldIds: readonly string[]): Promise<Array<ColumnField | null>> {
    return this.db.read('columnFieldsByIds', async (tx) =>
      inKeyOrder(fieldIds, await this.reads.findByIds(tx, fieldIds)).map((f) => (f ? toColumnField(f) : null)),
    );
  }

  /**
   * Has Neo4j plan the walks of the common depths now rather than on their first questions (start-up calls it):
   * the default of columnLineage and columnImpact, and the source columns' (ColumnWalkRepository.prepare).
   */
  prepareQueries(): Promise<void> {
    const depths = [columnBounds('depth', null, null, this.limits.traversal).maxDepth, this.limits.traversal.maxDepth];
    return this.db.read('prepareColumnQueries', (tx) => this.walks.prepare(tx, depths), { timeoutMs: PREPARE_TIMEOUT_MS });
  }

  private async resolveStart(tx: Tx, start: StartArguments, asOf: string): Promise<WalkStart> {
    if (start.from !== undefined) {
      const [found] = await this.walks.startsByIds(tx, [start.from], asOf);
      if (!found) throw new NotFoundError('Field', `${start.from} (as of ${asOf})`);
      return found;
    }
    const { owner, field, version } = start;
    const what = owner.kind === 'model' ? `model ${owner.name}` : `${owner.namespace}/${owner.name}`;
    if (version) {
      const ownerId = owner.kind === 'model' ? ids.modelVersion(owner.name, version) : ids.datasetVersion(owner.namespace, owner.name, version);
      const [found] = await this.walks.startsByIds(tx, [ids.field(ownerId, field)], asOf);
      if (!found) throw new NotFoundError('Field', `${field} of ${what}@${version} (as of ${asOf})`);
      return found;
    }
    const key = owner.kind === 'model' ? { modelId: ids.model(owner.name) } : { datasetId: ids.dataset(owner.namespace, owner.name) };
    const current = await this.walks.currentVersion(tx, key, field, asOf);
    if (!current) throw new NotFoundError(owner.kind === 'model' ? 'ModelVersion' : 'DatasetVersion', `of ${what} current at ${asOf}`);
    if (!current.start) throw new NotFoundError('Field', `${field} of ${what}@${current.version.version} (the version current at ${asOf})`);
    return current.start;
  }

  private walk(
    tx: Tx,
    starts: readonly WalkStart[],
    directions: readonly WalkDirection[],
    bounds: ColumnBounds,
    asOf: string,
    kinds: readonly string[] | null,
  ): Promise<ColumnWalk> {
    const plan = { starts: starts.map((start) => start.element), directions, ...bounds, asOf, kinds };
    return walkColumns(starts, { directions, ...bounds }, this.walks.walk(tx, plan));
  }
}

/** Planning on a cold, busy Neo4j can take longer than a question may (the traversals' prepare allows as much). */
const PREPARE_TIMEOUT_MS = 300_000;

/** Fields of an owner the report-style questions look at, at most. */
const MAX_OWNED_FIELDS = 1_000;

export interface SourceColumns {
  /** Each field of the owner (by name), with the source columns it comes from (by label). */
  fields: Array<{ field: ColumnField; sources: ColumnField[] }>;
  /** A limit cut some walk, or the owner has more fields than are looked at. */
  truncated: boolean;
}

type StartArguments =
  | { from: string }
  | {
      from?: undefined;
      owner: { kind: 'dataset'; namespace: string; name: string } | { kind: 'model'; name: string };
      field: string;
      version: string | null;
    };

/** Either a field id, or a dataset (namespace, name) or model and the field by name, with an optional version. */
function startArguments(query: ColumnLineageQuery): StartArguments {
  const given = (value: unknown) => value !== null && value !== undefined;
  const named = [query.namespace, query.name, query.model, query.field, query.version].some(given);
  if (given(query.from)) {
    if (named) throw new BadInputError('from', 'give either `from`, or the field by name (`namespace`, `name` or `model`, `field`), not both');
    if (!isFieldId(query.from!))
      throw new BadInputError('from', `'${String(query.from).slice(0, 80)}' is not the id of a field (ids look like Field:suXap83B9uYQKAgbxNdWIu)`);
    return { from: query.from! };
  }
  if (!named) throw new BadInputError('field', 'name the field: `from` (its id), or `namespace`, `name` and `field` (a dataset), or `model` and `field`');
  if (given(query.model) && (given(query.namespace) || given(query.name))) {
    throw new BadInputError('model', 'a field belongs to a dataset (`namespace`, `name`) or to a model (`model`), not both');
  }
  const field = requiredName('field', query.field);
  const version = optionalName('version', query.version, INPUT_LIMITS.version);
  if (given(query.model)) return { owner: { kind: 'model', name: requiredName('model', query.model) }, field, version };
  return { owner: { kind: 'dataset', namespace: requiredName('namespace', query.namespace), name: requiredName('name', query.name) }, field, version };
}

export function toColumnField(stored: StoredField, walked?: WalkedField): ColumnField {
  return {
    id: stored.id,
    name: stored.name,
    type: stored.type ?? null,
    description: stored.description ?? null,
    declared: stored.declared === true,
    ownerKind: stored.ownerKind,
    ownerId: stored.ownerId,
    namespace: stored.namespace ?? null,
    datasetName: stored.datasetName ?? null,
    modelName: stored.modelName ?? null,
    version: stored.version,
    label: fieldLabel(stored),
    createdAt: new Date(stored.createdAt),
    depth: walked ? walked.depth : null,
    masked: walked ? isMasked(walked) : null,
  };
}

/** `namespace/name@version.field` for a dataset field (like the dataset's own label), `model@version.field` for a feature. */
export function fieldLabel(field: Pick<StoredField, 'ownerKind' | 'namespace' | 'datasetName' | 'modelName' | 'version' | 'name'>): string {
  const owner = field.ownerKind === 'ModelVersion' ? `${field.modelName}@${field.version}` : `${field.datasetName}@${field.version}`;
  return `${owner}.${field.name}`;
}

export function toColumnEdge(stored: StoredColumnEdge): ColumnEdge {
  return {
    id: edgeKey(stored),
    scope: stored.scope === 'DATASET' ? ColumnEdgeScope.DATASET : ColumnEdgeScope.FIELD,
    upstream: stored.upstream,
    downstream: stored.downstream,
    transformations: transformationsOf(stored),
    masking: stored.masking === true,
  };
}

/** The starts first, then nearest first, then by label. */
function answerFields(walk: ColumnWalk): ColumnField[] {
  return [...walk.fields.values()]
    .map((walked) => toColumnField(walked.field, walked))
    .sort((a, b) => a.depth! - b.depth! || compare(a.label, b.label) || compare(a.id, b.id));
}

function walkResult(walk: ColumnWalk, bounds: ColumnBounds, asOf: string): ColumnWalkResult {
  return {
    asOf: new Date(asOf),
    edges: [...walk.edges.values()].map(toColumnEdge).sort((a, b) => compare(a.id, b.id)),
    truncated: walk.truncatedReason !== null,
    truncatedReason: walk.truncatedReason as TruncationReason | null,
    maxDepth: bounds.maxDepth,
    maxNodes: bounds.maxNodes,
  };
}

interface ReachedOwner {
  id: string;
  kind: FieldOwnerKind;
  label: string;
  masked: boolean;
  fields: ColumnField[];
}

/** The owners of the reached fields, by label; an owner is masked when every field of it reached is. */
function ownersOf(fields: readonly ColumnField[]): ReachedOwner[] {
  const owners = new Map<string, ReachedOwner>();
  for (const field of fields) {
    const owner = owners.get(field.ownerId) ?? {
      id: field.ownerId,
      kind: field.ownerKind,
      label: field.label.slice(0, field.label.length - field.name.length - 1),
      masked: true,
      fields: [],
    };
    owner.fields.push(field);
    owner.masked &&= field.masked === true;
    owners.set(field.ownerId, owner);
  }
  for (const owner of owners.values()) owner.fields.sort((a, b) => compare(a.name, b.name));
  return [...owners.values()].sort((a, b) => compare(a.label, b.label) || compare(a.id, b.id));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
