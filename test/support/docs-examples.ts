import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/paths';

/**
 * The documentation's API examples: a `<!-- example -->` marker, a ```graphql block with the operation and a
 * ```json block with the exact answer. They live in README.md and in any file under docs/; the docs test runs
 * them in order (the README first, then docs/ by file name) and compares.
 */
export interface DocsExample {
  /** The Markdown file, relative to the repository root. */
  file: string;
  query: string;
  expected: string;
  /** Offsets of the json block's content in its file, for rewriting it. */
  jsonStart: number;
  jsonEnd: number;
}

const EXAMPLE = /<!-- example -->\n```graphql\n([\s\S]*?)```\n```json\n([\s\S]*?)```/g;

/** README.md, then every Markdown file under docs/ (recursively, by path). */
export function documentationFiles(): string[] {
  const walk = (dir: string): string[] =>
    fs
      .readdirSync(path.join(PROJECT_ROOT, dir), { withFileTypes: true })
      .flatMap((entry) => {
        const relative = path.join(dir, entry.name);
        if (entry.isDirectory()) return walk(relative);
        return entry.name.endsWith('.md') ? [relative] : [];
      })
      .sort();
  return ['README.md', ...walk('docs')];
}

export function markdownExamples(file: string, markdown: string): DocsExample[] {
  return [...markdown.matchAll(EXAMPLE)].map((match) => {
    const jsonStart = match.index! + match[0].lastIndexOf('```json\n') + '```json\n'.length;
    return { file, query: match[1]!, expected: match[2]!, jsonStart, jsonEnd: jsonStart + match[2]!.length };
  });
}

/** Every example of the documentation, in the order the docs test runs them. */
export function docsExamples(): DocsExample[] {
  return documentationFiles().flatMap((file) => markdownExamples(file, fs.readFileSync(path.join(PROJECT_ROOT, file), 'utf8')));
}

/** Replaces each example's json block with the given answers, index for index (used with UPDATE_DOCS=1). */
export function rewriteAnswers(examples: DocsExample[], answers: string[]): void {
  for (const file of new Set(examples.map((example) => example.file))) {
    const full = path.join(PROJECT_ROOT, file);
    let markdown = fs.readFileSync(full, 'utf8');
    for (let i = examples.length - 1; i >= 0; i--) {
      const example = examples[i]!;
      if (example.file !== file) continue;
      markdown = markdown.slice(0, example.jsonStart) + answers[i] + markdown.slice(example.jsonEnd);
    }
    fs.writeFileSync(full, markdown);
  }
}

export function formatAnswer(body: unknown): string {
  return `${JSON.stringify(body, null, 2)}\n`;
}
