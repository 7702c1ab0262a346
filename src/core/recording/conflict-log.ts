import { ConflictError } from '../../errors';

/** A recorded fact an event contradicted, and what of the event was set aside for it. */
export interface RecordedConflict {
  /** Global id of the entity whose recorded fact stands. */
  entityId: string;
  /** Path in the event of what was set aside (`job`, `eventType`, `outputs`, `run.facets.parent`, …). */
  path: string;
  message: string;
}

/**
 * What a change does when it contradicts what is recorded (a run moving to another job, a second writer of a
 * version, a FAIL after a COMPLETE, a value changed after its run sealed it). A GraphQL mutation is refused with
 * CONFLICT: its client can act on it (`refuse`). An OpenLineage event is not (`record`): its producer does not
 * resend an event differently, so a refusal would lose the rest of it for good. Its contradicting part is set
 * aside instead (the recorded fact stands), the conflict is kept with the raw event, which is stored whole, and
 * the rest is recorded.
 */
export class ConflictLog {
  readonly conflicts: RecordedConflict[] = [];

  constructor(readonly mode: 'refuse' | 'record') {}

  /** What `attempt` gives; when it breaks a rule, the error (`refuse`) or, with the conflict noted, what `instead` gives. */
  settle<T>(entityId: string, path: string, attempt: () => T, instead: () => T): T {
    try {
      return attempt();
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      this.note(entityId, path, error);
      return instead();
    }
  }

  /** A conflict found without a rule throwing: refused or noted, as the mode says. */
  note(entityId: string, path: string, error: ConflictError): void {
    if (this.mode === 'refuse') throw error;
    this.conflicts.push({ entityId, path, message: error.message });
  }
}
