import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config';

describe('configuration', () => {
  it('defaults to the local Neo4j on port 4000', () => {
    const config = loadConfig({}, '/srv/lineage');
    assert.equal(config.neo4j.uri, undefined);
    assert.equal(config.port, 4000);
    assert.equal(config.neo4j.database, 'neo4j');
    assert.equal(config.localNeo4j.home, '/srv/lineage/.lineage/neo4j');
  });

  it('accepts routing, Aura and bolt URIs', () => {
    for (const uri of ['neo4j://localhost:7687', 'neo4j+s://abcd1234.databases.neo4j.io', 'bolt://db:7687', 'bolt+s://db.example.com']) {
      assert.equal(loadConfig({ NEO4J_URI: uri }).neo4j.uri, uri);
    }
  });

  const bad: Array<[Record<string, string>, string, RegExp]> = [
    [{ NEO4J_URI: 'http://localhost:7474' }, 'NEO4J_URI', /scheme 'http' is not supported/],
    [{ NEO4J_URI: 'not a uri' }, 'NEO4J_URI', /is not a URI/],
    [{ PORT: 'eighty' }, 'PORT', /not a whole number/],
    [{ PORT: '70000' }, 'PORT', /outside 0..65535/],
    [{ NEO4J_DATABASE: 'bad name!' }, 'NEO4J_DATABASE', /not a valid Neo4j database name/],
    [{ NEO4J_LOCAL_HEAP: 'lots' }, 'NEO4J_LOCAL_HEAP', /not a size/],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL', /must be one of/],
    [{ LINEAGE_DEMO: 'yes' }, 'LINEAGE_DEMO', /must be one of auto, on, off/],
  ];
  for (const [env, setting, message] of bad) {
    it(`names ${setting} when it is invalid (${JSON.stringify(env)})`, () => {
      assert.throws(
        () => loadConfig(env),
        (error: unknown) => error instanceof ConfigError && error.setting === setting && message.test(error.message) && error.message.includes(setting),
      );
    });
  }
});
