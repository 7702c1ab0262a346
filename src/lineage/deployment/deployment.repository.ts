import type { Tx } from '../../db/database';
import { keysetPage, type Page, type PageRequest } from '../../core/page';
import type { Deployment } from './deployment.type';

const DEPLOYMENT = (v: string) =>
  `${v} { .id, .name, .environment, .endpoint, .deployedAt, .retiredAt, .deployedBy, .retiredBy, .modelVersionId, kind: 'Deployment' }`;

export interface DeploymentWrite {
  id: string;
  name: string;
  environment: string;
  endpoint: string | null;
  deployedAt: string;
  deployedBy: string;
  modelVersionId: string;
  /** The slot's latest deployment, linked as the previous one and retired now if still live. */
  previousId: string | null;
}

export class DeploymentRepository {
  async findByIds(tx: Tx, ids: readonly string[]): Promise<Map<string, Deployment>> {
    const rows = await tx.rows<{ deployment: Deployment }>(
      // Deployments by global id.
      `UNWIND $ids AS id MATCH (n:Deployment {id: id}) RETURN ${DEPLOYMENT('n')} AS deployment`,
      { ids },
    );
    return new Map(rows.map((row) => [row.deployment.id, row.deployment]));
  }

  /** The most recent deployment of a slot (name + environment), live or not. */
  async latestInSlot(tx: Tx, name: string, environment: string): Promise<Deployment | null> {
    const [row] = await tx.rows<{ deployment: Deployment }>(
      `MATCH (n:Deployment {name: $name, environment: $environment})
       RETURN ${DEPLOYMENT('n')} AS deployment ORDER BY n.deployedAt DESC, n.id DESC LIMIT 1`,
      { name, environment },
    );
    return row?.deployment ?? null;
  }

  /** The deployment of a slot that was live at an instant: deployedAt <= asOf < retiredAt (or never retired). */
  async liveInSlotAt(tx: Tx, name: string, environment: string, asOf: string): Promise<Deployment | null> {
    const [row] = await tx.rows<{ deployment: Deployment }>(
      `MATCH (n:Deployment {name: $name, environment: $environment})
       WHERE n.deployedAt <= datetime($asOf) AND (n.retiredAt IS NULL OR datetime($asOf) < n.retiredAt)
       RETURN ${DEPLOYMENT('n')} AS deployment ORDER BY n.deployedAt DESC, n.id DESC LIMIT 1`,
      { name, environment, asOf },
    );
    return row?.deployment ?? null;
  }

  /**
   * Creates a deployment serving its model version; the slot's previous deployment is linked and, if still live,
   * retired at the same instant, so that a slot never has two live deployments.
   */
  async create(tx: Tx, deployment: DeploymentWrite): Promise<void> {
    await tx.rows(
      `MATCH (v:ModelVersion {id: $deployment.modelVersionId})
       CREATE (d:Deployment {id: $deployment.id, name: $deployment.name, environment: $deployment.environment,
                             endpoint: $deployment.endpoint, deployedAt: datetime($deployment.deployedAt),
                             deployedBy: $deployment.deployedBy, modelVersionId: $deployment.modelVersionId, recordedAt: datetime()})
       CREATE (d)-[:SERVES]->(v)
       WITH d
       CALL (d) {
         MATCH (p:Deployment {id: $deployment.previousId})
         CREATE (d)-[:SUCCEEDS]->(p)
         WITH p WHERE p.retiredAt IS NULL
         SET p.retiredAt = d.deployedAt, p.retiredBy = d.deployedBy
       }`,
      { deployment },
    );
  }

  async retire(tx: Tx, id: string, retiredAt: string, retiredBy: string): Promise<void> {
    await tx.rows(
      `MATCH (d:Deployment {id: $id}) WHERE d.retiredAt IS NULL
       SET d.retiredAt = datetime($retiredAt), d.retiredBy = $retiredBy`,
      { id, retiredAt, retiredBy },
    );
  }

  /** Deployments of each model version, newest first, keyed by version id. */
  async deploymentsOf(tx: Tx, modelVersionIds: readonly string[]): Promise<Map<string, Deployment[]>> {
    const rows = await tx.rows<{ versionId: string; deployments: Deployment[] }>(
      `UNWIND $modelVersionIds AS versionId
       MATCH (n:Deployment)-[:SERVES]->(:ModelVersion {id: versionId})
       WITH versionId, n ORDER BY n.deployedAt DESC, n.id DESC
       RETURN versionId, collect(${DEPLOYMENT('n')}) AS deployments`,
      { modelVersionIds },
    );
    return new Map(rows.map((row) => [row.versionId, row.deployments]));
  }

  /** The deployment each one succeeded ('previous') or was succeeded by ('next') in its slot. */
  async neighboursOf(tx: Tx, deploymentIds: readonly string[], direction: 'previous' | 'next'): Promise<Map<string, Deployment>> {
    const pattern = direction === 'previous' ? '(:Deployment {id: id})-[:SUCCEEDS]->(n:Deployment)' : '(n:Deployment)-[:SUCCEEDS]->(:Deployment {id: id})';
    const rows = await tx.rows<{ id: string; deployment: Deployment }>(
      `UNWIND $deploymentIds AS id
       MATCH ${pattern}
       RETURN id, ${DEPLOYMENT('n')} AS deployment`,
      { deploymentIds },
    );
    return new Map(rows.map((row) => [row.id, row.deployment]));
  }

  /** Deployments filtered by environment, slot name and liveness; newest first. */
  list(tx: Tx, filter: { environment: string | null; name: string | null; live: boolean | null }, request: PageRequest): Promise<Page<Deployment>> {
    const conditions = ['true'];
    if (filter.environment !== null) conditions.push('n.environment = $environment');
    if (filter.name !== null) conditions.push('n.name = $name');
    if (filter.live === true) conditions.push('n.retiredAt IS NULL');
    if (filter.live === false) conditions.push('n.retiredAt IS NOT NULL');
    return keysetPage<Deployment>(
      tx,
      {
        match: `MATCH (n:Deployment) WHERE ${conditions.join(' AND ')}`,
        projection: DEPLOYMENT('n'),
        sortKeys: [
          { expression: 'n.deployedAt', descending: true, temporal: true },
          { expression: 'n.id', descending: true },
        ],
        params: { environment: filter.environment, name: filter.name },
      },
      request,
    );
  }
}
