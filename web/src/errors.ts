// GraphQL and transport errors -> a message a staff member can act on.
import { t, type Key } from './i18n';

export type ErrorCode =
  | 'DATABASE_UNAVAILABLE'
  | 'FORBIDDEN'
  | 'UNAUTHENTICATED'
  | 'RATE_LIMITED'
  | 'BAD_USER_INPUT'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'QUERY_TOO_COMPLEX'
  | 'INTERNAL'
  | 'NETWORK'
  | 'HTTP'
  | 'UNKNOWN';

const KNOWN = new Set<string>([
  'DATABASE_UNAVAILABLE',
  'FORBIDDEN',
  'UNAUTHENTICATED',
  'RATE_LIMITED',
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'CONFLICT',
  'QUERY_TOO_COMPLEX',
  'INTERNAL',
]);

export interface GraphQLErrorItem {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; field?: string; retryAfter?: number; [k: string]: unknown };
}

/** An error a view shows: a code for logic, details for the message. */
export class ApiError extends Error {
  constructor(
    public readonly code: ErrorCode,
    message: string,
    public readonly details: { field?: string; status?: number; retryAfter?: number; errors?: GraphQLErrorItem[]; extensions?: Record<string, unknown> } = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Picks the most telling error of a response: the first with a known code. */
export function fromGraphQLErrors(errors: GraphQLErrorItem[], status?: number, retryAfter?: number): ApiError {
  const known = errors.find((e) => e.extensions?.code && KNOWN.has(e.extensions.code));
  const e = known ?? errors[0];
  const code = (known?.extensions?.code as ErrorCode | undefined) ?? (status && status >= 400 ? 'HTTP' : 'UNKNOWN');
  const ra = typeof e?.extensions?.retryAfter === 'number' ? e.extensions.retryAfter : retryAfter;
  return new ApiError(code, e?.message ?? 'error', { field: e?.extensions?.field, status, retryAfter: ra, errors, extensions: e?.extensions });
}

/** Seconds from a Retry-After header (delta-seconds form only). */
export function parseRetryAfter(h: string | null): number | undefined {
  if (!h) return undefined;
  const n = Number(h.trim());
  return Number.isFinite(n) && n >= 0 ? Math.ceil(n) : undefined;
}

/** The message to show for an error; `signedIn` tells a rejected key from a missing one. */
export function userMessage(err: unknown, signedIn: boolean): string {
  if (!(err instanceof ApiError)) {
    return t('err_UNKNOWN', { m: err instanceof Error ? err.message : String(err) });
  }
  switch (err.code) {
    case 'UNAUTHENTICATED':
      return t(signedIn ? 'err_UNAUTHENTICATED_signedIn' : 'err_UNAUTHENTICATED');
    case 'RATE_LIMITED':
      return err.details.retryAfter != null ? t('err_RATE_LIMITED_wait', { n: err.details.retryAfter }) : t('err_RATE_LIMITED');
    case 'BAD_USER_INPUT':
      return t('err_BAD_USER_INPUT', { m: err.details.field ? `${err.details.field}: ${err.message}` : err.message });
    case 'INTERNAL':
      return t('err_INTERNAL', { m: err.message === 'internal error' ? '' : err.message }).trim();
    case 'HTTP':
      return t('err_HTTP', { n: err.details.status ?? '?' });
    case 'UNKNOWN':
      return t('err_UNKNOWN', { m: err.message });
    default:
      return t(`err_${err.code}` as Key);
  }
}

/** Whether trying again may help (shows a retry button). */
export function retryable(err: unknown): boolean {
  return !(err instanceof ApiError) || ['DATABASE_UNAVAILABLE', 'RATE_LIMITED', 'NETWORK', 'HTTP', 'INTERNAL', 'UNKNOWN'].includes(err.code);
}
