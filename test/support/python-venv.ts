import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Where tests keep the virtualenvs they install (LINEAGE_TEST_CACHE, else ~/.cache/lineage-tests). */
export const TEST_CACHE = process.env.LINEAGE_TEST_CACHE ?? path.join(os.homedir(), '.cache', 'lineage-tests');

export interface Venv {
  dir: string;
  python: string;
  bin(name: string): string;
  /** Seconds the install took, or null when the cached virtualenv was used. */
  installSeconds: number | null;
}

/**
 * A virtualenv with one pinned PyPI package, cached between runs under TEST_CACHE/<package>-<version>. Throws
 * VenvUnavailable (a reason to skip, not a failure) when python3 -m venv or PyPI cannot provide it.
 */
export class VenvUnavailable extends Error {}

export async function ensureVenv(pkg: string, version: string): Promise<Venv> {
  const dir = path.join(TEST_CACHE, `${pkg}-${version}`);
  const python = path.join(dir, 'bin', 'python');
  const venv: Omit<Venv, 'installSeconds'> = { dir, python, bin: (name) => path.join(dir, 'bin', name) };
  const check = `import importlib.metadata as m; assert m.version('${pkg}') == '${version}'`;
  if (
    await run(python, ['-c', check]).then(
      () => true,
      () => false,
    )
  )
    return { ...venv, installSeconds: null };
  const started = Date.now();
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  try {
    await run('python3', ['-m', 'venv', dir]);
    await run(path.join(dir, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', `${pkg}==${version}`], { timeout: 1_200_000 });
    await run(python, ['-c', check]);
  } catch (error) {
    fs.rmSync(dir, { recursive: true, force: true });
    const detail = String((error as { stderr?: string }).stderr ?? (error as Error).message)
      .trim()
      .split('\n')
      .slice(-3)
      .join(' | ');
    throw new VenvUnavailable(`cannot install ${pkg}==${version} from PyPI into a virtualenv (${detail})`);
  }
  return { ...venv, installSeconds: Math.round((Date.now() - started) / 1000) };
}
