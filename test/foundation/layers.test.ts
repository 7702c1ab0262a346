import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { PROJECT_ROOT } from '../../src/paths';

/**
 * Dependencies point inward (docs/architecture.md): platform ← core ← lineage ← openlineage, audit ← the front
 * doors and the composition root. This test reads every import of src/ and fails, naming the file and the import,
 * when an inner area imports an outer one or a package it must not know.
 */

type Area = 'platform' | 'core' | 'lineage' | 'openlineage' | 'audit' | 'graphql' | 'graphql-context' | 'outer';

/** Where a source file belongs, by its path under src/. */
function areaOf(file: string): Area {
  const relative = path.relative(path.join(PROJECT_ROOT, 'src'), file).split(path.sep).join('/');
  if (/^(db|observability)\//.test(relative) || /^(errors|limits|paths|logger|config)\.ts$/.test(relative) || relative === 'auth/principal.ts')
    return 'platform';
  if (relative.startsWith('core/')) return 'core';
  if (relative.startsWith('lineage/')) return 'lineage';
  if (relative.startsWith('openlineage/')) return 'openlineage';
  if (relative.startsWith('audit/')) return 'audit';
  // The request context every resolver receives. It names the services the composition root builds, in types only
  // (checked below), so a resolver that imports it depends on nothing outer when it runs.
  if (relative === 'graphql/context.ts') return 'graphql-context';
  // GraphQL building blocks (connections, scalars, enums, operation checks); schema.ts and loaders.ts wire everything.
  if (/^graphql\/(connection|scalars|enums|operation-access|operation-limits)\.ts$/.test(relative)) return 'graphql';
  return 'outer';
}

interface Rule {
  /** Areas whose modules it may import. */
  may: readonly Area[];
  /** Packages it must not import (a prefix: `@apollo/` covers every Apollo package). */
  forbiddenPackages: readonly string[];
  /** When set, the only packages it may import besides node's own. */
  onlyPackages?: readonly string[];
}

const HTTP_AND_GRAPHQL = ['graphql', 'type-graphql', 'graphql-scalars', 'dataloader', 'fastify', '@apollo/', '@as-integrations/'];
const HTTP = ['fastify', '@apollo/', '@as-integrations/'];

const RULES: Record<Exclude<Area, 'outer' | 'graphql-context'>, Rule> = {
  platform: { may: ['platform'], forbiddenPackages: ['graphql', 'type-graphql', 'graphql-scalars', 'dataloader', '@apollo/'] },
  core: { may: ['platform', 'core'], forbiddenPackages: HTTP_AND_GRAPHQL, onlyPackages: [] },
  lineage: { may: ['platform', 'core', 'lineage', 'graphql', 'graphql-context'], forbiddenPackages: HTTP },
  openlineage: { may: ['platform', 'core', 'lineage', 'openlineage', 'graphql', 'graphql-context'], forbiddenPackages: HTTP },
  audit: { may: ['platform', 'core', 'lineage', 'audit', 'graphql', 'graphql-context'], forbiddenPackages: HTTP },
  graphql: { may: ['platform', 'core', 'graphql'], forbiddenPackages: HTTP },
};

interface Import {
  specifier: string;
  typeOnly: boolean;
  line: number;
}

const IMPORT = /^\s*(import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/gm;

function importsOf(text: string): Import[] {
  return [...text.matchAll(IMPORT)].map((match) => ({
    specifier: match[3]!,
    typeOnly: match[2] !== undefined,
    line: text.slice(0, match.index).split('\n').length,
  }));
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

function resolve(from: string, specifier: string): string {
  const base = path.resolve(path.dirname(from), specifier);
  return fs.existsSync(`${base}.ts`) ? `${base}.ts` : path.join(base, 'index.ts');
}

/** Every import of the sources that its area's rule does not allow, as `file:line: reason`. */
function violations(sources: ReadonlyArray<{ file: string; text: string }>): string[] {
  const found: string[] = [];
  for (const { file, text } of sources) {
    const area = areaOf(file);
    if (area === 'outer' || area === 'graphql-context') continue;
    const rule = RULES[area];
    const where = (line: number) => `${path.relative(PROJECT_ROOT, file)}:${line}`;
    for (const { specifier, line } of importsOf(text)) {
      if (specifier.startsWith('.')) {
        const target = areaOf(resolve(file, specifier));
        if (!rule.may.includes(target)) found.push(`${where(line)}: ${area} imports ${specifier} (${target}); ${area} may import ${rule.may.join(', ')}`);
      } else if (!specifier.startsWith('node:')) {
        const forbidden = rule.forbiddenPackages.some((name) => specifier === name || (name.endsWith('/') && specifier.startsWith(name)));
        const unlisted = rule.onlyPackages !== undefined && !rule.onlyPackages.includes(specifier);
        if (forbidden || unlisted) found.push(`${where(line)}: ${area} imports the package ${specifier}`);
      }
    }
  }
  return found.sort();
}

describe('layers', () => {
  const files = sourceFiles(path.join(PROJECT_ROOT, 'src'));

  it('every inner area imports only what is further in', () => {
    assert.deepEqual(violations(files.map((file) => ({ file, text: fs.readFileSync(file, 'utf8') }))), []);
  });

  it('the request context imports types only', () => {
    const context = path.join(PROJECT_ROOT, 'src', 'graphql', 'context.ts');
    const runtime = importsOf(fs.readFileSync(context, 'utf8')).filter((item) => !item.typeOnly);
    assert.deepEqual(runtime, []);
  });

  it('knows every area it checks (the rule would be empty if the folders moved)', () => {
    const areas = new Set(files.map(areaOf));
    for (const area of Object.keys(RULES)) assert.ok(areas.has(area as Area), `no source file is in area ${area}`);
  });

  it('catches an inner module that imports an outer one', () => {
    const file = path.join(PROJECT_ROOT, 'src', 'core', 'recording', 'bad.ts');
    const text = [
      "import { AuditService } from '../../audit/audit.service';",
      "import type { GraphQLContext } from '../../graphql/context';",
      "import { Field } from 'type-graphql';",
      "import { ids } from '../ids';",
      "export { LineageError } from '../../errors';",
    ].join('\n');
    const found = violations([{ file, text }]);
    assert.equal(found.length, 3, found.join('\n'));
    assert.match(found[0]!, /src\/core\/recording\/bad\.ts:1: core imports \.\.\/\.\.\/audit\/audit\.service \(audit\)/);
    assert.match(found[1]!, /bad\.ts:2: core imports \.\.\/\.\.\/graphql\/context \(graphql-context\)/);
    assert.match(found[2]!, /bad\.ts:3: core imports the package type-graphql/);
    // A lineage resolver may use the request context, not the loaders behind it.
    const resolver = path.join(PROJECT_ROOT, 'src', 'lineage', 'run', 'bad.resolver.ts');
    const uses = ["import type { GraphQLContext } from '../../graphql/context';", "import { createLoaders } from '../../graphql/loaders';"].join('\n');
    assert.deepEqual(
      violations([{ file: resolver, text: uses }]).map((line) => line.split(': ')[1]),
      ['lineage imports ../../graphql/loaders (outer); lineage may import platform, core, lineage, graphql, graphql-context'],
    );
  });
});
