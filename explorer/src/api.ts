/**
 * The explorer's only way to the service: POST /graphql, with the API key of this tab (if any) as a bearer token.
 * GraphQL errors become exceptions carrying the server's message, so that the page can show them.
 */

const KEY_STORAGE = 'lineage.explorer.apiKey';

export function apiKey(): string | null {
  return sessionStorage.getItem(KEY_STORAGE);
}

export function setApiKey(key: string | null): void {
  if (key) sessionStorage.setItem(KEY_STORAGE, key);
  else sessionStorage.removeItem(KEY_STORAGE);
}

export class GraphQLRequestError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

export async function graphql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  const key = apiKey();
  if (key) headers.authorization = `Bearer ${key}`;
  let response: Response;
  try {
    response = await fetch('/graphql', { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  } catch (error) {
    throw new GraphQLRequestError(`the service did not answer: ${(error as Error).message}`);
  }
  let body: { data?: T; errors?: Array<{ message: string; extensions?: { code?: string } }> };
  try {
    body = await response.json();
  } catch {
    throw new GraphQLRequestError(`the service answered ${response.status} ${response.statusText}`);
  }
  if (body.errors?.length) {
    const [first] = body.errors;
    const code = first.extensions?.code;
    const hint = code === 'UNAUTHENTICATED' ? ' (enter an API key under "API key")' : '';
    throw new GraphQLRequestError(`${first.message}${hint}`, code);
  }
  if (!response.ok || !body.data) throw new GraphQLRequestError(`the service answered ${response.status}`);
  return body.data;
}
