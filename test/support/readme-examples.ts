import fs from 'node:fs';

/**
 * The README's API examples: a `<!-- example -->` marker, a ```graphql block with the operation and a ```json
 * block with the exact answer. The docs test runs them in order and compares.
 */
export interface ReadmeExample {
  query: string;
  expected: string;
  /** Offsets of the json block's content in the README, for rewriting it. */
  jsonStart: number;
  jsonEnd: number;
}

const EXAMPLE = /<!-- example -->\n```graphql\n([\s\S]*?)```\n```json\n([\s\S]*?)```/g;

export function readmeExamples(markdown: string): ReadmeExample[] {
  return [...markdown.matchAll(EXAMPLE)].map((match) => {
    const jsonStart = match.index! + match[0].lastIndexOf('```json\n') + '```json\n'.length;
    return { query: match[1]!, expected: match[2]!, jsonStart, jsonEnd: jsonStart + match[2]!.length };
  });
}

/** Replaces each example's json block with the given answers (used with UPDATE_README=1). */
export function rewriteAnswers(file: string, answers: string[]): void {
  let markdown = fs.readFileSync(file, 'utf8');
  const examples = readmeExamples(markdown);
  for (let i = examples.length - 1; i >= 0; i--) {
    markdown = markdown.slice(0, examples[i]!.jsonStart) + answers[i] + markdown.slice(examples[i]!.jsonEnd);
  }
  fs.writeFileSync(file, markdown);
}

export function formatAnswer(body: unknown): string {
  return `${JSON.stringify(body, null, 2)}\n`;
}
