import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { ids } from '../../src/core/ids';
import { PROJECT_ROOT } from '../../src/paths';

/**
 * OpenLineage streams of `../shared/peers/gen_events.py` (layered jobs, runs a day apart, each reading the
 * then-newest versions), made ready to post to both systems:
 *
 * - every namespace gets a prefix (`d.raw`, `w.warehouse` …), so that several streams in one store are unrelated
 *   (the generator names the same datasets whatever its seed);
 * - the last layer's outputs (namespace `models`) carry the `lineage_modelVersion` facet, so that the service
 *   records them as model versions (which reproductionRecipe starts from); Marquez ignores the facet.
 *
 * A stream is written to a file by the generator and read back line by line, so that a stream of a million
 * nodes never sits in memory as a whole.
 */

export const PEERS_DIR = process.env.PEERS_DIR ?? path.resolve(PROJECT_ROOT, '..', 'shared', 'peers');

export interface StreamShape {
  layers: number;
  width: number;
  runs: number;
  seed: number;
}

export interface StreamSpec extends StreamShape {
  /** Short name used in the report and as the namespace prefix. */
  name: string;
}

/** Where the questions start, per stream: global ids for the service, node ids for Marquez. */
export interface StreamStarts {
  /** The newest version of each last-layer model (a ModelVersion), with its Marquez dataset node. */
  models: Array<{ id: string; marquez: string }>;
  /** A layer-1 output version from the middle of the history (impact starts there), with its Marquez node. */
  midLayer1: Array<{ id: string; marquez: string }>;
}

export interface PreparedStream {
  spec: StreamSpec;
  file: string;
  events: number;
  runs: number;
  starts: StreamStarts;
}

const MODEL_FACET = 'lineage_modelVersion';
const MODEL_SCHEMA = 'urn:lineage:openlineage:facets:1-0-0:LineageModelVersionDatasetFacet.json#/$defs/LineageModelVersionDatasetFacet';

/** Runs the generator into `dir`, rewrites its events (prefix, model facet) and finds the start nodes. */
export async function prepareStream(spec: StreamSpec, dir: string): Promise<PreparedStream> {
  const raw = path.join(dir, `${spec.name}.raw.ndjson`);
  const file = path.join(dir, `${spec.name}.ndjson`);
  await generate(spec, raw);
  const out = fs.createWriteStream(file);
  const versions = new Map<string, string[]>(); // `${namespace}\u0000${name}` -> versions in stream order
  let events = 0;
  for await (const line of lines(raw)) {
    const event = rewrite(JSON.parse(line), spec.name);
    if (event.eventType === 'COMPLETE') {
      for (const output of event.outputs as Array<{ namespace: string; name: string; facets: Record<string, any> }>) {
        const key = `${output.namespace}\u0000${output.name}`;
        const list = versions.get(key) ?? [];
        list.push(output.facets.version.datasetVersion);
        versions.set(key, list);
      }
    }
    events++;
    if (!out.write(`${JSON.stringify(event)}\n`)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve, reject) => {
    out.once('error', reject);
    out.end(() => resolve());
  });
  fs.rmSync(raw);
  const starts: StreamStarts = { models: [], midLayer1: [] };
  for (const [key, list] of versions) {
    const [namespace, name] = key.split('\u0000') as [string, string];
    if (namespace === `${spec.name}.models`) {
      starts.models.push({ id: ids.modelVersion(modelName(spec.name, name), list.at(-1)!), marquez: `dataset:${namespace}:${name}` });
    } else if (/^table_1_/.test(name)) {
      starts.midLayer1.push({ id: ids.datasetVersion(namespace, name, list[Math.floor(list.length / 2)]!), marquez: `dataset:${namespace}:${name}` });
    }
  }
  return { spec, file, events, runs: events / 2, starts };
}

const modelName = (stream: string, dataset: string) => `${stream}.${dataset}`;

function rewrite(event: Record<string, any>, prefix: string): Record<string, any> {
  const ns = (namespace: string) => `${prefix}.${namespace}`;
  event.job.namespace = ns(event.job.namespace);
  for (const input of event.inputs) input.namespace = ns(input.namespace);
  for (const output of event.outputs) {
    const original = output.namespace;
    output.namespace = ns(original);
    if (original === 'models') {
      output.facets[MODEL_FACET] = {
        _producer: event.producer,
        _schemaURL: MODEL_SCHEMA,
        name: modelName(prefix, output.name),
        version: output.facets.version.datasetVersion,
      };
    }
  }
  return event;
}

function generate(spec: StreamSpec, file: string): Promise<void> {
  const args = ['--layers', spec.layers, '--width', spec.width, '--runs', spec.runs, '--seed', spec.seed].map(String);
  return new Promise((resolve, reject) => {
    const out = fs.openSync(file, 'w');
    const child = spawn('python3', [path.join(PEERS_DIR, 'gen_events.py'), ...args], { stdio: ['ignore', out, 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    child.once('error', reject);
    child.once('exit', (code) => {
      fs.closeSync(out);
      if (code === 0) resolve();
      else reject(new Error(`gen_events.py ${args.join(' ')} exited with ${code}: ${stderr}`));
    });
  });
}

/** The lines of a file, one at a time. */
export async function* lines(file: string): AsyncGenerator<string> {
  const reader = readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity });
  for await (const line of reader) if (line.trim()) yield line;
}

/** The events of a stream, in groups of `size` lines (each a serialised event), in stream order. */
export async function* chunks(file: string, size: number): AsyncGenerator<string[]> {
  let chunk: string[] = [];
  for await (const line of lines(file)) {
    chunk.push(line);
    if (chunk.length >= size) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length > 0) yield chunk;
}
