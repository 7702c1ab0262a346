import type { Logger } from 'pino';
import type { WriteContext } from '../core/write-context';
import type { Services } from '../services';
import {
  DEMO_COMMITS,
  DEMO_DATASETS,
  DEMO_DEPLOYMENTS,
  DEMO_JOB_NAMESPACE,
  DEMO_MODEL,
  DEMO_MODEL_DESCRIPTION,
  DEMO_MODEL_VERSIONS,
  DEMO_MONTHS,
  DEMO_NAMESPACE,
  DEMO_SOURCES,
  type DemoRun,
} from './demo-data';
import type { RunEventType } from '../core/vocabulary';

/**
 * Loads the demo lineage (demo-data.ts) through the same services as any other front door, as the principal
 * `demo-loader`. Every call carries its own fixed instant, so loading twice changes nothing.
 */

export const DEMO_CONTEXT: WriteContext = { actor: 'demo-loader', source: 'demo' };

export type DemoSetting = 'auto' | 'on' | 'off';

export interface DemoSummary {
  sources: number;
  runs: number;
  modelVersions: number;
  deployments: number;
}

export async function loadDemo(services: Services, context: WriteContext = DEMO_CONTEXT): Promise<DemoSummary> {
  for (const version of DEMO_SOURCES) await services.datasets.registerDatasetVersion(context, version);
  let runs = 0;
  for (const month of DEMO_MONTHS) {
    await recordRun(services, context, 'START', month.pipeline, null);
    for (const child of month.children) {
      await recordRun(services, context, 'START', child, month.pipeline.runId);
      await recordRun(services, context, 'COMPLETE', child, month.pipeline.runId);
      runs++;
    }
    await recordRun(services, context, 'COMPLETE', month.pipeline, null);
    runs++;
  }
  for (const version of DEMO_MODEL_VERSIONS) await services.models.registerModelVersion(context, version);
  for (const deployment of DEMO_DEPLOYMENTS) await services.deployments.deploy(context, deployment);
  // Descriptions last: registering first would stamp the dataset or model with the loading time, not the demo's.
  for (const dataset of DEMO_DATASETS) await services.datasets.registerDataset(context, { namespace: DEMO_NAMESPACE, ...dataset });
  await services.models.registerModel(context, { name: DEMO_MODEL, description: DEMO_MODEL_DESCRIPTION });
  return { sources: DEMO_SOURCES.length, runs, modelVersions: DEMO_MODEL_VERSIONS.length, deployments: DEMO_DEPLOYMENTS.length };
}

/** A run's start names its job, inputs, commit, parameters and parent; its completion names its outputs. */
function recordRun(services: Services, context: WriteContext, event: RunEventType, run: DemoRun, parentRunId: string | null) {
  const start = event === 'START';
  return services.runs.recordRunEvent(context, event, {
    runId: run.runId,
    job: { namespace: DEMO_JOB_NAMESPACE, name: run.job },
    at: start ? run.startedAt : run.endedAt,
    inputs: start ? run.inputs : [],
    outputs: start ? [] : run.outputs,
    commit: DEMO_COMMITS[run.commit],
    parameters: run.parameters,
    parentRunId,
  });
}

/**
 * LINEAGE_DEMO: `on` loads into an empty graph whatever the Neo4j; `auto` only into the local Neo4j that
 * `npm start` provisions (never into a database someone configured); `off` never.
 */
export function wantsDemo(setting: DemoSetting, usesLocalNeo4j: boolean): boolean {
  return setting === 'on' || (setting === 'auto' && usesLocalNeo4j);
}

/** Loads the demo at start-up when the setting asks for it and no lineage has been recorded yet. */
export async function loadDemoIfWanted(setting: DemoSetting, usesLocalNeo4j: boolean, services: Services, logger: Logger): Promise<boolean> {
  if (!wantsDemo(setting, usesLocalNeo4j)) return false;
  if (!(await services.lineageGraph.isEmpty())) {
    logger.info('the graph holds lineage already: the demo is not loaded (run `npm run demo` to add it anyway)');
    return false;
  }
  const summary = await loadDemo(services);
  logger.info({ demo: summary }, 'demo lineage loaded (LINEAGE_DEMO=off to start empty)');
  return true;
}
