import fs from 'node:fs';
import path from 'node:path';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { PROJECT_ROOT } from '../../src/paths';

/**
 * OpenLineage fixtures for tests: our own small ones under test/fixtures/openlineage (always there), and the
 * real ones shared beside the project (spec, single events, captured scenarios), which a clone may not have.
 */

export const OWN_FIXTURES = path.join(PROJECT_ROOT, 'test', 'fixtures', 'openlineage');
export const DOCS = path.join(PROJECT_ROOT, 'docs');

/**
 * ../shared/fixtures/openlineage, or LINEAGE_SHARED_FIXTURES: either that folder itself or the `fixtures`
 * folder above it (both readings of the name are accepted, so nobody has to guess).
 */
export const SHARED_FIXTURES = locateShared(process.env.LINEAGE_SHARED_FIXTURES ?? path.join(PROJECT_ROOT, '..', 'shared', 'fixtures', 'openlineage'));

function locateShared(dir: string): string {
  const nested = path.join(dir, 'openlineage');
  return !fs.existsSync(path.join(dir, 'spec')) && fs.existsSync(nested) ? nested : dir;
}

/** The `skip` option for tests that need the shared fixtures: false when they are there, else the reason. */
export const SKIP_WITHOUT_SHARED: string | false = fs.existsSync(path.join(SHARED_FIXTURES, 'spec', 'OpenLineage.json'))
  ? false
  : `shared OpenLineage fixtures not found at ${SHARED_FIXTURES} (set LINEAGE_SHARED_FIXTURES to run these tests)`;

export interface FixtureEvent {
  /** `events/marquez_event_full.json`, with `#2` after it when a file holds several events. */
  name: string;
  event: unknown;
}

/** Every event of a file: one JSON value, an array of events, or several JSON documents one after the other. */
export function readEvents(file: string, base: string): FixtureEvent[] {
  const relative = path.relative(base, file);
  const documents = splitDocuments(fs.readFileSync(file, 'utf8')).map((text) => JSON.parse(text) as unknown);
  const events = documents.length === 1 && Array.isArray(documents[0]) ? (documents[0] as unknown[]) : documents;
  return events.map((event, index) => ({ name: events.length === 1 ? relative : `${relative}#${index + 1}`, event }));
}

/** Splits concatenated or newline-delimited JSON at the end of each top-level value. */
function splitDocuments(text: string): string[] {
  const documents: string[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (inString) {
      if (char === '\\') i++;
      else if (char === '"') inString = false;
      continue;
    }
    if (char === '"') inString = true;
    else if (char === '{' || char === '[') {
      if (depth === 0) start = i;
      depth++;
    } else if (char === '}' || char === ']') {
      depth--;
      if (depth === 0) documents.push(text.slice(start, i + 1));
    }
  }
  return documents;
}

/** All events of the shared `events/` and `scenarios/<name>/events/` folders, files in name order. */
export function sharedEvents(): FixtureEvent[] {
  const folders = [
    path.join(SHARED_FIXTURES, 'events'),
    ...fs.readdirSync(path.join(SHARED_FIXTURES, 'scenarios')).map((scenario) => path.join(SHARED_FIXTURES, 'scenarios', scenario, 'events')),
  ];
  return folders.filter((folder) => fs.existsSync(folder)).flatMap((folder) => jsonFiles(folder).flatMap((file) => readEvents(file, SHARED_FIXTURES)));
}

export function ownEvents(folder = ''): FixtureEvent[] {
  return jsonFiles(path.join(OWN_FIXTURES, folder)).flatMap((file) => readEvents(file, OWN_FIXTURES));
}

export function readOwnEvent(name: string): unknown {
  return JSON.parse(fs.readFileSync(path.join(OWN_FIXTURES, name), 'utf8')) as unknown;
}

function jsonFiles(folder: string): string[] {
  return fs
    .readdirSync(folder)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => path.join(folder, file));
}

export interface OfficialSchema {
  /** The event against spec/OpenLineage.json; the issues as `path message`, empty when accepted. */
  eventIssues(event: unknown): string[];
  /** Each facet of the event whose name a facet schema (the spec's or ours, in docs/) defines, against it. */
  facetIssues(event: unknown): string[];
}

type FacetLocation = 'RunFacet' | 'JobFacet' | 'DatasetFacet' | 'InputDatasetFacet' | 'OutputDatasetFacet';
interface SchemaFile {
  $id: string;
  $defs?: Record<string, unknown>;
  properties?: Record<string, unknown>;
}

/**
 * The official JSON Schema with ajv (draft 2020-12, formats checked). OpenLineage.json has no remote $ref; the
 * facet schemas refer to it by its $id (https://openlineage.io/spec/2-0-2/OpenLineage.json), which resolves
 * because it is added first, so nothing is fetched and no $ref is left unresolved.
 *
 * OpenLineage.json checks facets only as BaseFacet; the facet schemas are separate files, each defining its
 * facet under a property name (`{ properties: { parent: {$ref} } }`), so they are applied to the facet maps
 * where that kind of facet lives (run, job, dataset, input, output), found from the base facet each extends.
 */
export function loadOfficialSchema(): OfficialSchema {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  const main = readJson(path.join(SHARED_FIXTURES, 'spec', 'OpenLineage.json'));
  ajv.addSchema(main);
  const facetDir = path.join(SHARED_FIXTURES, 'spec', 'facets');
  const facetFiles = [...jsonFiles(facetDir), path.join(DOCS, 'LineageModelVersionDatasetFacet.json'), path.join(DOCS, 'LineageParametersRunFacet.json')].map(
    readJson,
  );
  for (const schema of facetFiles) ajv.addSchema(schema);

  const facetChecks = new Map<FacetLocation, Array<{ name: string; validate: ValidateFunction }>>();
  for (const schema of facetFiles) {
    for (const [name, property] of Object.entries(schema.properties ?? {})) {
      for (const location of baseLocations(schema, property)) {
        const checks = facetChecks.get(location) ?? [];
        checks.push({ name, validate: ajv.getSchema(schema.$id) as ValidateFunction });
        facetChecks.set(location, checks);
      }
    }
  }
  const validateEvent = ajv.getSchema(main.$id) as ValidateFunction;
  return {
    eventIssues(event) {
      return validateEvent(event) ? [] : describeErrors(validateEvent, '');
    },
    facetIssues(event) {
      return facetMaps(event).flatMap(([location, at, facets]) =>
        (facetChecks.get(location) ?? [])
          .filter(({ name }) => facets[name] !== undefined)
          .flatMap(({ validate }) => (validate(facets) ? [] : describeErrors(validate, at))),
      );
    },
  };
}

function readJson(file: string): SchemaFile {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as SchemaFile;
}

function describeErrors(validate: ValidateFunction, prefix: string): string[] {
  // oneOf/allOf/not only repeat that a branch failed; the branch errors say why.
  return (validate.errors ?? [])
    .filter((error) => !['oneOf', 'allOf', 'anyOf', 'not'].includes(error.keyword))
    .map((error) => `${prefix}${error.instancePath} ${error.message}`);
}

/** The base facets (RunFacet, ...) a facet schema's property extends: first of allOf, every branch of anyOf/oneOf. */
function baseLocations(schema: SchemaFile, node: unknown): FacetLocation[] {
  if (typeof node !== 'object' || node === null) return [];
  const { $ref, allOf, anyOf, oneOf } = node as { $ref?: string; allOf?: unknown[]; anyOf?: unknown[]; oneOf?: unknown[] };
  if ($ref !== undefined) {
    const base = /OpenLineage\.json#\/\$defs\/(\w+)$/.exec($ref)?.[1];
    if (base !== undefined) return [base as FacetLocation];
    return $ref.startsWith('#/$defs/') ? baseLocations(schema, schema.$defs?.[$ref.slice('#/$defs/'.length)]) : [];
  }
  if (allOf !== undefined) return baseLocations(schema, allOf[0]);
  return (anyOf ?? oneOf ?? []).flatMap((branch) => baseLocations(schema, branch));
}

type FacetMap = [FacetLocation, string, Record<string, unknown>];

function facetMaps(event: unknown): FacetMap[] {
  const maps: FacetMap[] = [];
  const add = (location: FacetLocation, at: string, facets: unknown) => {
    if (typeof facets === 'object' && facets !== null && !Array.isArray(facets)) maps.push([location, at, facets as Record<string, unknown>]);
  };
  type Dataset = { facets?: unknown; inputFacets?: unknown; outputFacets?: unknown } | null;
  const e = event as { run?: { facets?: unknown }; job?: { facets?: unknown }; inputs?: unknown; outputs?: unknown; dataset?: Dataset };
  add('RunFacet', '/run/facets', e.run?.facets);
  add('JobFacet', '/job/facets', e.job?.facets);
  const datasets = (list: unknown, at: string, side: 'inputFacets' | 'outputFacets') => {
    if (!Array.isArray(list)) return;
    (list as Dataset[]).forEach((dataset, index) => {
      add('DatasetFacet', `${at}/${index}/facets`, dataset?.facets);
      add(side === 'inputFacets' ? 'InputDatasetFacet' : 'OutputDatasetFacet', `${at}/${index}/${side}`, dataset?.[side]);
    });
  };
  datasets(e.inputs, '/inputs', 'inputFacets');
  datasets(e.outputs, '/outputs', 'outputFacets');
  add('DatasetFacet', '/dataset/facets', e.dataset?.facets);
  return maps;
}
