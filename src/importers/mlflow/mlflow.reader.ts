import type { MlflowExperiment, MlflowModelVersion, MlflowRegisteredModel, MlflowRun, MlflowSnapshot } from './mlflow.types';

/** Rows per search page: MLflow accepts up to 50,000 runs and 1,000 registered models per page. */
const PAGE = 1_000;
const TIMEOUT_MS = 60_000;

export class MlflowReadError extends Error {}

export interface RunWindow {
  /** Only runs started at or after this epoch millisecond (the cursor), plus `alsoRunIds`. */
  startedFrom: number | null;
  /** Runs to read again whatever their start (those still running at the last pass). */
  alsoRunIds: readonly string[];
}

/**
 * Reads a tracking server through its REST API 2.0, page by page. `MLFLOW_TRACKING_TOKEN` (or
 * `MLFLOW_TRACKING_USERNAME` and `MLFLOW_TRACKING_PASSWORD`) authenticate as MLflow's own clients do.
 */
export class MlflowReader {
  readonly trackingUrl: string;
  private readonly headers: Record<string, string>;

  constructor(trackingUrl: string, env: NodeJS.ProcessEnv = process.env) {
    this.trackingUrl = normalizeTrackingUrl(trackingUrl);
    this.headers = { 'content-type': 'application/json' };
    if (env.MLFLOW_TRACKING_TOKEN) this.headers.authorization = `Bearer ${env.MLFLOW_TRACKING_TOKEN}`;
    else if (env.MLFLOW_TRACKING_USERNAME) {
      this.headers.authorization = `Basic ${Buffer.from(`${env.MLFLOW_TRACKING_USERNAME}:${env.MLFLOW_TRACKING_PASSWORD ?? ''}`).toString('base64')}`;
    }
  }

  async snapshot(window: RunWindow = { startedFrom: null, alsoRunIds: [] }): Promise<MlflowSnapshot> {
    const experiments = await this.pages<MlflowExperiment>('POST', 'experiments/search', 'experiments', { max_results: PAGE, view_type: 'ACTIVE_ONLY' });
    const runs = new Map<string, MlflowRun>();
    // runs/search takes at most 100 experiment ids per call.
    for (let start = 0; start < experiments.length; start += 100) {
      const body: Record<string, unknown> = {
        experiment_ids: experiments.slice(start, start + 100).map((e) => e.experiment_id),
        max_results: PAGE,
        run_view_type: 'ACTIVE_ONLY',
        order_by: ['attributes.start_time ASC'],
      };
      if (window.startedFrom !== null) body.filter = `attributes.start_time >= ${Math.floor(window.startedFrom)}`;
      for (const run of await this.pages<MlflowRun>('POST', 'runs/search', 'runs', body)) runs.set(run.info.run_id ?? run.info.run_uuid!, run);
    }
    for (const runId of window.alsoRunIds) {
      if (runs.has(runId)) continue;
      const found = await this.get<{ run?: MlflowRun }>(`runs/get?run_id=${encodeURIComponent(runId)}`, true);
      if (found?.run && found.run.info.lifecycle_stage !== 'deleted') runs.set(runId, found.run);
    }
    const registeredModels = await this.pages<MlflowRegisteredModel>('GET', 'registered-models/search', 'registered_models', { max_results: PAGE });
    const modelVersions = await this.pages<MlflowModelVersion>('GET', 'model-versions/search', 'model_versions', { max_results: PAGE });
    return { trackingUrl: this.trackingUrl, experiments, runs: [...runs.values()], registeredModels, modelVersions };
  }

  private async pages<T>(method: 'GET' | 'POST', endpoint: string, field: string, body: Record<string, unknown>): Promise<T[]> {
    const rows: T[] = [];
    let token: string | undefined;
    do {
      const request = token ? { ...body, page_token: token } : body;
      const answer =
        method === 'POST'
          ? await this.post<Record<string, unknown>>(endpoint, request)
          : await this.get<Record<string, unknown>>(
              `${endpoint}?${new URLSearchParams(Object.entries(request).map(([k, v]): [string, string] => [k, String(v)]))}`,
            );
      rows.push(...(((answer?.[field] as T[] | undefined) ?? []) as T[]));
      token = (answer?.next_page_token as string | undefined) || undefined;
    } while (token);
    return rows;
  }

  private post<T>(endpoint: string, body: unknown): Promise<T> {
    return this.call<T>(endpoint, { method: 'POST', body: JSON.stringify(body) }, false) as Promise<T>;
  }

  private get<T>(endpoint: string, missingIsNull = false): Promise<T | null> {
    return this.call<T>(endpoint, { method: 'GET' }, missingIsNull);
  }

  private async call<T>(endpoint: string, init: RequestInit, missingIsNull: boolean): Promise<T | null> {
    const url = `${this.trackingUrl}/api/2.0/mlflow/${endpoint}`;
    let response: Response;
    try {
      response = await fetch(url, { ...init, headers: this.headers, signal: AbortSignal.timeout(TIMEOUT_MS) });
    } catch (error) {
      throw new MlflowReadError(`cannot reach the MLflow tracking server at ${this.trackingUrl} (${(error as Error).cause ?? (error as Error).message})`);
    }
    const text = await response.text();
    if (missingIsNull && response.status === 404) return null;
    if (!response.ok) {
      throw new MlflowReadError(`MLflow answered ${response.status} to ${init.method} ${url}: ${text.slice(0, 500) || response.statusText}`);
    }
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new MlflowReadError(`MLflow answered ${init.method} ${url} with something that is not JSON: ${text.slice(0, 200)}`);
    }
  }
}

/** One spelling per server: no trailing slash, lower-case scheme and host. */
export function normalizeTrackingUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new MlflowReadError(`'${url}' is not a tracking server URL (expected e.g. http://127.0.0.1:5000)`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new MlflowReadError(`'${url}' is not an http(s) tracking server URL; the importer reads MLflow's REST API`);
  }
  return `${parsed.protocol}//${parsed.host}${parsed.pathname.replace(/\/+$/, '')}`;
}
