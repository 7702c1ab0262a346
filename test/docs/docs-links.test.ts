import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { it } from 'node:test';
import { PROJECT_ROOT } from '../../src/paths';
import { documentationFiles } from '../support/docs-examples';

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens. */
function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[`*_]/g, '')
    .replace(/[^\p{L}\p{N} -]/gu, '')
    .replace(/ /g, '-');
}

function anchorsOf(markdown: string): Set<string> {
  const withoutCode = markdown.replace(/```[\s\S]*?```/g, '');
  return new Set([...withoutCode.matchAll(/^#{1,6} (.+)$/gm)].map((match) => anchorOf(match[1]!)));
}

/** Pages move between the README and docs/; every relative link must still lead to a file and a heading. */
it('every relative link of the documentation resolves to a file and, with an anchor, to a heading', () => {
  const broken: string[] = [];
  for (const file of [...documentationFiles(), 'bench/README.md']) {
    const markdown = fs.readFileSync(path.join(PROJECT_ROOT, file), 'utf8').replace(/```[\s\S]*?```/g, '');
    for (const [, target] of markdown.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/i.test(target!)) continue;
      const [relative, anchor] = target!.split('#') as [string, string | undefined];
      const linked = relative === '' ? path.join(PROJECT_ROOT, file) : path.resolve(path.dirname(path.join(PROJECT_ROOT, file)), relative);
      if (!fs.existsSync(linked)) {
        broken.push(`${file}: ${target} (no such file)`);
      } else if (anchor !== undefined && !anchorsOf(fs.readFileSync(linked, 'utf8')).has(anchor)) {
        broken.push(`${file}: ${target} (no such heading)`);
      }
    }
  }
  assert.deepEqual(broken, []);
});
