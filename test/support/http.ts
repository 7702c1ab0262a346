/** One HTTP exchange with the service, with its status and parsed JSON body (or raw text when it is not JSON). */
export interface HttpAnswer {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

export async function httpCall(
  baseUrl: string,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: unknown; raw?: string | Buffer; signal?: AbortSignal } = {},
): Promise<HttpAnswer> {
  const headers: Record<string, string> = { ...options.headers };
  let body: string | Buffer | undefined = options.raw;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(`${baseUrl}${path}`, { method, headers, body, signal: options.signal });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: response.status, headers: response.headers, body: parsed, text };
}

/** POSTs a GraphQL operation and returns the whole answer (status included). */
export function graphqlCall(baseUrl: string, query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}): Promise<HttpAnswer> {
  return httpCall(baseUrl, 'POST', '/graphql', { headers, body: { query, variables } });
}
