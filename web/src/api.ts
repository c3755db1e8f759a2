// The GraphQL client: POST to the same origin's /graphql with the
// interface language and, when signed in, the API key.
import { getApiKey } from './auth';
import { ApiError, fromGraphQLErrors, parseRetryAfter, type GraphQLErrorItem } from './errors';
import { acceptLanguage, getLang } from './i18n';

/** Overridable with <meta name="chainmatch-graphql" content="...">. */
export function endpoint(): string {
  const meta = document.querySelector<HTMLMetaElement>('meta[name="chainmatch-graphql"]');
  return meta?.content || '/graphql';
}

export interface Result<T> {
  data: T;
  /** Field errors that came with usable data (partial results). */
  errors: GraphQLErrorItem[];
}

/**
 * Runs one operation. Throws ApiError when there is no data to show;
 * returns partial data together with its errors otherwise. T and V are the
 * operation's generated types (./gql/operations.ts), e.g.
 * `request<SearchQuery, SearchQueryVariables>(searchDoc, {...}, 'Search')`.
 */
export async function request<T, V extends object = Record<string, never>>(document: string, variables: V = {} as V, operationName?: string, signal?: AbortSignal): Promise<Result<T>> {
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    Accept: 'application/graphql-response+json, application/json',
    'Accept-Language': acceptLanguage(getLang()),
  };
  const key = getApiKey();
  if (key) headers.Authorization = `Bearer ${key}`;

  let res: Response;
  try {
    res = await fetch(endpoint(), { method: 'POST', headers, body: JSON.stringify({ query: document, variables, operationName }), signal });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiError('NETWORK', (e as Error).message);
  }
  const retryAfter = parseRetryAfter(res.headers.get('Retry-After'));
  let body: { data?: T | null; errors?: GraphQLErrorItem[] } | undefined;
  try {
    body = await res.json();
  } catch {
    if (res.status === 429) throw new ApiError('RATE_LIMITED', 'rate limited', { status: 429, retryAfter });
    if (res.status === 401) throw new ApiError('UNAUTHENTICATED', 'unauthenticated', { status: 401 });
    if (res.status === 403) throw new ApiError('FORBIDDEN', 'forbidden', { status: 403 });
    if (res.status === 503) throw new ApiError('DATABASE_UNAVAILABLE', 'unavailable', { status: 503, retryAfter });
    throw new ApiError('HTTP', res.statusText, { status: res.status });
  }
  const errors = body?.errors ?? [];
  if (body?.data == null) {
    if (errors.length) throw fromGraphQLErrors(errors, res.status, retryAfter);
    throw new ApiError('HTTP', res.statusText, { status: res.status });
  }
  return { data: body.data, errors };
}
