import { jobNamespaceOf } from './openlineage.defaults';
import { facetOf, FACET, keptFacets, textOf, type SetAside } from './openlineage.facets';
import type { CommitPlan, JobPlan, RawJob } from './openlineage.types';

export function planJob(job: RawJob, setAside: SetAside): JobPlan {
  return { namespace: jobNamespaceOf(job), name: job.name, facets: keptFacets(job.facets, 'job.facets', setAside) };
}

/**
 * The commit a job runs from: job facet `sourceCodeLocation` with `type` git (any case). Without a `version`
 * there is no commit to point at (a branch moves), so the plan has none; the facet itself stays in job facets.
 */
export function planCommit(job: RawJob, setAside: SetAside): CommitPlan | null {
  const location = facetOf(job.facets, FACET.sourceCodeLocation, 'job.facets', setAside);
  if (location === undefined || textOf(location.type)?.toLowerCase() !== 'git') return null;
  const repoUrl = textOf(location.repoUrl);
  const repository = repoUrl ?? textOf(location.url);
  const sha = textOf(location.version);
  if (repository === null || sha === null) return null;
  const repositoryPath = `job.facets.sourceCodeLocation.${repoUrl !== null ? 'repoUrl' : 'url'}`;
  return { repository, sha, branch: textOf(location.branch), path: textOf(location.path), url: textOf(location.url), repositoryPath };
}
