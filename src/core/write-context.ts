/** Who is writing and through which front door; every write service method takes one (the audit trail needs it). */
export interface WriteContext {
  /** The authenticated principal, or `anonymous` when the service runs without authentication. */
  actor: string;
  source: 'graphql' | 'openlineage' | 'cli' | 'demo';
  requestId?: string;
}
