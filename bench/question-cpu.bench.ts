import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bareDriver } from './bare-walk';
import { askFloor, askService, QUESTIONS, type Question } from './side-by-side/questions';
import { percentile, postBatches } from './side-by-side/posting';
import { chunks, prepareStream } from './side-by-side/streams';
import { cpuMs, load1, Neo4jStore, say, ServiceProcess } from './side-by-side/systems';

/**
 * `npm run bench:question-cpu`: where a lineage question's time goes, as CPU per question of each process, for
 * this build's service, another build's (`--baseline <checkout>`) and the floor (the same walk through a bare
 * driver, bench/bare-walk.ts). Latency on a 2-core machine with Neo4j beside the service is mostly the CPU the two
 * processes spend one after the other, so CPU per question says what a change to the service is worth, and it is
 * steadier than latency on a busy machine. Method and figures: bench/README.md, "Where a question's CPU goes".
 *
 *   --question provenance   provenance, impact, lineageGraph or reproductionRecipe
 *   --depth 20              the depth asked
 *   --rounds 16 --block 40  rounds; questions per way in a round (the ways take turns, their order rotated)
 *   --baseline <dir>        another built checkout (npm run build), e.g. main before a change
 */

interface Way {
  name: string;
  pid: number | undefined;
  ask: (from: string) => Promise<unknown>;
  ms: number[];
  cpu: number;
  neo4jCpu: number;
}

function option(argv: string[], name: string, fallback: string): string {
  const index = argv.indexOf(`--${name}`);
  return index >= 0 && argv[index + 1] ? argv[index + 1]! : fallback;
}

async function main(argv: string[]): Promise<void> {
  const question = option(argv, 'question', 'provenance') as Question;
  if (!QUESTIONS.includes(question)) throw new Error(`--question must be one of ${QUESTIONS.join(', ')}, got '${question}'`);
  const depth = Number(option(argv, 'depth', '20'));
  const rounds = Number(option(argv, 'rounds', '16'));
  const block = Number(option(argv, 'block', '40'));
  const baseline = argv.includes('--baseline') ? path.resolve(option(argv, 'baseline', '')) : null;

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lineage-question-cpu-'));
  const store = await Neo4jStore.start('1g', '1g');
  const services: ServiceProcess[] = [];
  const driver = bareDriver(store.uri);
  try {
    // The default shape of ../shared/peers/gen_events.py (4,800 events), posted through the API as users feed it.
    const stream = await prepareStream({ name: 'd', layers: 6, width: 20, runs: 20, seed: 7 }, dir);
    const feeder = await ServiceProcess.start(store.uri);
    await postBatches(`${feeder.url}/api/v1/lineage/batch`, chunks(stream.file, 500), 1);
    await feeder.stop();
    say(`store: ${stream.events} events posted; services start on the full store`);

    const ways: Way[] = [];
    const addService = async (name: string, root?: string) => {
      const service = await ServiceProcess.start(store.uri, {}, root);
      services.push(service);
      ways.push({ name, pid: service.pid, ask: (from) => askService(service.url, question, from, depth), ms: [], cpu: 0, neo4jCpu: 0 });
    };
    await addService('service');
    if (baseline) await addService('baseline', baseline);
    ways.push({ name: 'floor', pid: undefined, ask: (from) => askFloor(driver, question, from, depth), ms: [], cpu: 0, neo4jCpu: 0 });

    const starts = stream.starts.models.slice(0, 10).map((model) => model.id);
    for (const way of ways) for (let i = 0; i < 20; i++) await way.ask(starts[i % starts.length]!);
    for (let round = 0; round < rounds; round++) {
      for (let turn = 0; turn < ways.length; turn++) {
        const way = ways[(round + turn) % ways.length]!;
        const before = { own: way.pid ? cpuMs(way.pid)! : 0, neo4j: cpuMs(store.pid)!, bench: process.cpuUsage() };
        for (let i = 0; i < block; i++) {
          const started = performance.now();
          await way.ask(starts[i % starts.length]!);
          way.ms.push(performance.now() - started);
        }
        // The floor runs in this process: its CPU is this process's.
        const bench = process.cpuUsage(before.bench);
        way.cpu += way.pid ? cpuMs(way.pid)! - before.own : (bench.user + bench.system) / 1000;
        way.neo4jCpu += cpuMs(store.pid)! - before.neo4j;
      }
    }

    const count = rounds * block;
    const floor = percentile(ways.at(-1)!.ms, 50);
    say(`${question} at depth ${depth}, ${count} questions per way in ${rounds} rounds, load at the end ${load1().toFixed(2)}`);
    console.log('\n| way | p50 ms | p95 ms | p50 ÷ floor | CPU ms per question, its process | Neo4j CPU ms per question |');
    console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
    for (const way of ways) {
      const p50 = percentile(way.ms, 50);
      const own = way.pid ? way.name : 'bench (bare driver)';
      console.log(
        `| ${way.name} | ${p50.toFixed(1)} | ${percentile(way.ms, 95).toFixed(1)} | ${(p50 / floor).toFixed(2)} | ${(way.cpu / count).toFixed(2)} (${own}) | ${(way.neo4jCpu / count).toFixed(2)} |`,
      );
    }
  } finally {
    await driver.close();
    for (const service of services) await service.stop();
    await store.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
