import type { TestService } from './service';

export interface HttpAnswer {
  status: number;
  body: any;
}

/** POSTs to the service; a JSON body unless `raw` is given (then sent as is, with the content type given). */
export async function post(
  service: TestService,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
  raw?: string | Buffer,
): Promise<HttpAnswer> {
  return (await send(service, path, body, headers, raw)).answer;
}

/**
 * POST as an OpenLineage client does: a 503 (the database busy, a transaction out of time) is retried after its
 * Retry-After, up to `attempts` times; the last answer is returned with how many 503s came before it.
 */
export async function postRetrying(service: TestService, path: string, body: unknown, attempts = 10): Promise<HttpAnswer & { retried: number }> {
  for (let retried = 0; ; retried++) {
    const { answer, retryAfterS } = await send(service, path, body);
    if (answer.status !== 503 || retried + 1 >= attempts) return { ...answer, retried };
    await new Promise((resolve) => setTimeout(resolve, 1_000 * retryAfterS));
  }
}

async function send(
  service: TestService,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
  raw?: string | Buffer,
): Promise<{ answer: HttpAnswer; retryAfterS: number }> {
  const response = await fetch(`${service.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: raw ?? JSON.stringify(body),
  });
  const text = await response.text();
  return { answer: { status: response.status, body: text === '' ? null : JSON.parse(text) }, retryAfterS: Number(response.headers.get('retry-after') ?? 1) };
}

/** POSTs each event on its own to /api/v1/lineage, in order; returns the answers. */
export async function postEach(service: TestService, events: readonly unknown[]): Promise<HttpAnswer[]> {
  const answers: HttpAnswer[] = [];
  for (const event of events) answers.push(await post(service, '/api/v1/lineage', event));
  return answers;
}
