import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';
import { PROJECT_ROOT } from '../../src/paths';
import { testNeo4jUri } from '../support/service';

const main = path.join(PROJECT_ROOT, 'dist', 'src', 'main.js');
const environment = (env: Record<string, string>) => ({ ...process.env, NEO4J_URI: testNeo4jUri(), PORT: '0', LINEAGE_DEMO: 'off', LOG_LEVEL: 'info', ...env });

describe('starting the real process', () => {
  it('refuses to run open in production, naming the setting', async () => {
    const cases: Array<Record<string, string>> = [
      { NODE_ENV: 'production', LINEAGE_AUTH: 'off' },
      { LINEAGE_MODE: 'production', LINEAGE_AUTH: 'off' },
    ];
    for (const env of cases) {
      await assert.rejects(
        promisify(execFile)(process.execPath, [main], { env: environment(env), timeout: 60_000 }),
        (error: { code: number; stderr: string }) => {
          assert.equal(error.code, 2);
          assert.match(error.stderr, /Invalid setting LINEAGE_AUTH: production mode .* refuses to run without authentication/);
          return true;
        },
      );
    }
  });

  it('says loudly when it runs open', async () => {
    const child = spawn(process.execPath, [main], { env: environment({ LINEAGE_MODE: 'development' }), stdio: ['ignore', 'pipe', 'inherit'] });
    const lines: Array<Record<string, any>> = [];
    await new Promise<void>((resolve, reject) => {
      readline.createInterface({ input: child.stdout! }).on('line', (text) => {
        lines.push(JSON.parse(text));
        if (lines.at(-1)!.msg === 'lineage service is listening') resolve();
      });
      child.once('exit', (code) => reject(new Error(`exited with ${code} before listening`)));
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    const warning = lines.find((line) => /^AUTHENTICATION IS OFF/.test(line.msg));
    assert.ok(warning, JSON.stringify(lines.map((line) => line.msg)));
    assert.equal(warning.level, 40, 'a warning');
  });
});
