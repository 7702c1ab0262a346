import { NotFoundError } from '../../errors';
import type { Tx } from '../../db/database';
import type { NodeKind } from '../../core/vocabulary';
import type { QuestionStartRepository } from './question-start.repository';
import type { NodeRef } from './traversal';

/**
 * Where each lineage question may start, and how the node asked about becomes the node the walk starts from:
 * a question is asked from wherever the user stands (a dataset by name, a model, a job), and answered from the
 * member of it the question is about, resolved before the walk (so the walk itself knows nothing of it).
 *
 * - `itself`: the walk starts at the node. For a container (dataset, model) under `impact`, that means every
 *   version of it: everything made from any of them.
 * - `currentVersion`: a dataset's version current at `asOf` (the newest created at or before it).
 * - `newestVersion`: a model's newest version at `asOf`.
 * - `newestCompletedRun`: a job's newest run that had COMPLETED by `asOf` (by its end).
 * - `servedVersion`: the model version a deployment serves.
 */
export type StartResolution = 'itself' | 'currentVersion' | 'newestVersion' | 'newestCompletedRun' | 'servedVersion';

export type Question = 'provenance' | 'impact' | 'lineageGraph' | 'reproductionRecipe';

const ITSELF = {
  Dataset: 'itself',
  DatasetVersion: 'itself',
  Job: 'itself',
  Run: 'itself',
  Commit: 'itself',
  Model: 'itself',
  ModelVersion: 'itself',
  Deployment: 'itself',
} as const;

/** The kinds each question starts from, in the order error messages list them. */
export const QUESTION_STARTS: Readonly<Record<Question, Readonly<Partial<Record<NodeKind, StartResolution>>>>> = {
  provenance: {
    Deployment: 'itself',
    ModelVersion: 'itself',
    DatasetVersion: 'itself',
    Run: 'itself',
    Dataset: 'currentVersion',
    Model: 'newestVersion',
    Job: 'newestCompletedRun',
  },
  impact: {
    Dataset: 'itself',
    DatasetVersion: 'itself',
    Commit: 'itself',
    Run: 'itself',
    ModelVersion: 'itself',
    Model: 'itself',
    Job: 'newestCompletedRun',
  },
  lineageGraph: ITSELF,
  reproductionRecipe: {
    ModelVersion: 'itself',
    DatasetVersion: 'itself',
    Deployment: 'servedVersion',
    Model: 'newestVersion',
    Dataset: 'currentVersion',
  },
};

/** A node asked about, with how its question resolves it. */
export interface AskedStart extends NodeRef {
  resolution: StartResolution;
}

/** The node the walk starts from: the asked node itself, or its member at `asOf`; NOT_FOUND when there is none. */
export async function resolveStart(tx: Tx, starts: QuestionStartRepository, asked: AskedStart, asOf: string): Promise<NodeRef> {
  if (asked.resolution === 'itself') return { id: asked.id, kind: asked.kind };
  const found = await starts.memberOf(tx, asked.resolution, asked.id, asOf);
  if (!found.exists) throw new NotFoundError(asked.kind, asked.id);
  if (found.memberId === null) throw new NotFoundError(MEMBER_KIND[asked.resolution], `${MEMBER_PHRASE[asked.resolution]} ${asked.id} as of ${asOf}`);
  return { id: found.memberId, kind: MEMBER_KIND[asked.resolution] };
}

const MEMBER_KIND: Record<Exclude<StartResolution, 'itself'>, NodeKind> = {
  currentVersion: 'DatasetVersion',
  newestVersion: 'ModelVersion',
  newestCompletedRun: 'Run',
  servedVersion: 'ModelVersion',
};

/** How a missing member is named: "DatasetVersion of Dataset:… as of 2024-… does not exist". */
const MEMBER_PHRASE: Record<Exclude<StartResolution, 'itself'>, string> = {
  currentVersion: 'of',
  newestVersion: 'of',
  newestCompletedRun: 'completed by',
  servedVersion: 'served by',
};
