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
  const response = await fetch(`${service.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: raw ?? JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? null : JSON.parse(text) };
}

/** POSTs each event on its own to /api/v1/lineage, in order; returns the answers. */
export async function postEach(service: TestService, events: readonly unknown[]): Promise<HttpAnswer[]> {
  const answers: HttpAnswer[] = [];
  for (const event of events) answers.push(await post(service, '/api/v1/lineage', event));
  return answers;
}
