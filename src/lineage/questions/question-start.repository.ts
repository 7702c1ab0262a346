import type { Tx } from '../../db/database';
import type { StartResolution } from './question-start';

/** One statement per resolution, each a seek on an index of the member's label (see migrations/). */
const MEMBER_QUERY: Record<Exclude<StartResolution, 'itself'>, string> = {
  // The dataset's version current at asOf: the newest created at or before it (ties by id, as runs read them).
  currentVersion: `OPTIONAL MATCH (d:Dataset {id: $id})
     RETURN d IS NOT NULL AS exists,
            COLLECT { MATCH (v:DatasetVersion {datasetId: $id}) WHERE v.createdAt <= datetime($asOf)
                      RETURN v.id ORDER BY v.createdAt DESC, v.id DESC LIMIT 1 } AS members`,
  // The model's newest version at asOf.
  newestVersion: `OPTIONAL MATCH (m:Model {id: $id})
     RETURN m IS NOT NULL AS exists,
            COLLECT { MATCH (m)<-[:VERSION_OF]-(v:ModelVersion) WHERE v.createdAt <= datetime($asOf)
                      RETURN v.id ORDER BY v.createdAt DESC, v.id DESC LIMIT 1 } AS members`,
  // The job's newest run that had completed by asOf.
  newestCompletedRun: `OPTIONAL MATCH (j:Job {id: $id})
     RETURN j IS NOT NULL AS exists,
            COLLECT { MATCH (r:Run {jobId: $id}) WHERE r.state = 'COMPLETED' AND r.endedAt <= datetime($asOf)
                      RETURN r.id ORDER BY r.endedAt DESC, r.id DESC LIMIT 1 } AS members`,
  // The model version the deployment serves.
  servedVersion: `OPTIONAL MATCH (d:Deployment {id: $id})
     RETURN d IS NOT NULL AS exists, COLLECT { MATCH (d)-[:SERVES]->(v:ModelVersion) RETURN v.id } AS members`,
};

export class QuestionStartRepository {
  /** Whether the asked node exists, and the id of its member by the resolution (null when it has none at asOf). */
  async memberOf(tx: Tx, resolution: Exclude<StartResolution, 'itself'>, id: string, asOf: string): Promise<{ exists: boolean; memberId: string | null }> {
    const [row] = await tx.rows<{ exists: boolean; members: string[] }>(MEMBER_QUERY[resolution], { id, asOf });
    return { exists: row?.exists ?? false, memberId: row?.members[0] ?? null };
  }
}
