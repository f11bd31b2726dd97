import { createHash } from 'node:crypto';
import type { CallNotesTable, Database } from '@df/db';
import { backoffDelay, classifyFailure, failureReason } from '@df/kafka';
import type { OutcomeInput } from '@df/service-runtime';
import type { Logger } from '@df/telemetry';
import { type Kysely, type Selectable, sql, type Transaction } from 'kysely';
import { mappedContact } from './contacts.ts';
import type { CallDetails } from './domain/call-details.ts';
import { callTags, noteMarker, renderCallNote } from './domain/note.ts';
import type { CallTools } from './tools.ts';

export interface FlushConfig {
  /** A call is written once no webhook about it arrived for this long (its burst has settled). */
  quietMs: number;
  /** ... or once it has waited this long, however busy it is. */
  maxDelayMs: number;
  /** The zone note times are shown in (the tenant's). */
  timeZone: string;
}

export interface FlushDeps {
  db: Kysely<Database>;
  tools: CallTools;
  config: FlushConfig;
  log: Logger;
  report: (
    cause: { id: string; correlationId: string; tenant: string },
    outcome: OutcomeInput,
  ) => Promise<unknown>;
}

type CallRow = Selectable<CallNotesTable>;

/** What a flush achieved so far; kept even when a later step fails, so a retry does not repeat it. */
interface Progress {
  contactId: string | null;
  noteId: string | null;
  fingerprint: string | null;
  tags: string[];
}

class SkipCall extends Error {}

/**
 * Writes calls whose webhooks have settled to GHL: the contact (found or created once), one note per call
 * (created once, updated when its text changed) and the tags not applied yet. Each call is flushed in its
 * own transaction holding its row, so instances share the work (SKIP LOCKED) and never write one call twice
 * at the same time. Failures keep the row dirty with an exponential backoff; permanent ones are reported.
 */
export class CallNoteFlusher {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();
  private stopped = false;

  constructor(private readonly deps: FlushDeps) {}

  start(intervalMs = 200): void {
    const tick = () => {
      this.running = this.flushDue()
        .catch((error) => this.deps.log.warn('call flush failed', { error: error as Error }))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, intervalMs);
        });
    };
    this.timer = setTimeout(tick, intervalMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /**
   * Flushes every call that is due, several at once (each worker holds its own row); returns how many were
   * written or settled.
   */
  async flushDue(workers = 4): Promise<number> {
    let flushed = 0;
    const work = async () => {
      while (!this.stopped && (await this.flushOne())) flushed += 1;
    };
    await Promise.all(Array.from({ length: workers }, work));
    return flushed;
  }

  private flushOne(): Promise<boolean> {
    const { quietMs, maxDelayMs } = this.deps.config;
    return this.deps.db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom('call_notes')
        .selectAll()
        .where('dirty', '=', true)
        .where((eb) => eb.or([eb('next_flush_at', 'is', null), eb('next_flush_at', '<=', sql<Date>`now()`)]))
        .where((eb) =>
          eb.or([
            eb('last_event_at', '<=', sql<Date>`now() - make_interval(secs => ${quietMs / 1000})`),
            eb('dirty_since', '<=', sql<Date>`now() - make_interval(secs => ${maxDelayMs / 1000})`),
          ]),
        )
        .orderBy('last_event_at')
        .limit(1)
        .forUpdate()
        .skipLocked()
        .executeTakeFirst();
      if (!row) return false;

      const progress: Progress = {
        contactId: row.ghl_contact_id,
        noteId: row.ghl_note_id,
        fingerprint: row.note_fingerprint,
        tags: row.tags_applied,
      };
      try {
        await this.writeCall(trx, row, progress);
        await trx
          .updateTable('call_notes')
          .set({
            ...this.persisted(progress),
            dirty: false,
            dirty_since: null,
            flush_attempts: 0,
            next_flush_at: null,
          })
          .where('call_id', '=', row.call_id)
          .execute();
      } catch (error) {
        const permanent = error instanceof SkipCall || classifyFailure(error) === 'dead-letter';
        const attempts = row.flush_attempts + 1;
        await trx
          .updateTable('call_notes')
          .set({
            ...this.persisted(progress),
            ...(permanent
              ? {
                  dirty: false,
                  dirty_since: null,
                  skipped_reason: error instanceof SkipCall ? error.message : failureReason(error),
                }
              : {
                  flush_attempts: attempts,
                  next_flush_at: new Date(
                    Date.now() + backoffDelay(attempts, { baseMs: 500, maxMs: 60_000 }),
                  ),
                }),
          })
          .where('call_id', '=', row.call_id)
          .execute();
        if (permanent) {
          await this.deps.report(this.cause(row), {
            entity: { type: 'call', id: row.call_id },
            direction: 'aloware_to_ghl',
            action: error instanceof SkipCall ? 'skipped' : 'failed',
            reason:
              error instanceof SkipCall
                ? error.message
                : `${failureReason(error)}: ${(error as Error).message}`,
            target: { system: 'ghl', id: progress.noteId },
          });
        } else {
          this.deps.log.warn('call flush will be retried', {
            callId: row.call_id,
            attempts,
            error: error as Error,
          });
        }
      }
      return true;
    });
  }

  private persisted(progress: Progress) {
    return {
      ghl_contact_id: progress.contactId,
      ghl_note_id: progress.noteId,
      note_fingerprint: progress.fingerprint,
      tags_applied: JSON.stringify(progress.tags),
      updated_at: new Date(),
    };
  }

  private cause(row: CallRow) {
    return { id: row.last_event_id, correlationId: row.last_correlation_id, tenant: row.tenant };
  }

  private async writeCall(trx: Transaction<Database>, row: CallRow, progress: Progress): Promise<void> {
    const { tools, config, report } = this.deps;
    const details = row.details as unknown as CallDetails;
    const outcome = (action: OutcomeInput['action'], id: string | null, type: 'call' | 'contact' = 'call') =>
      report(this.cause(row), {
        entity: { type, id: type === 'call' ? row.call_id : id },
        direction: 'aloware_to_ghl',
        action,
        reason: null,
        target: { system: 'ghl', id },
      });

    if (!progress.contactId) {
      const mapped = details.ghlContactId ? null : await mappedContact(trx, details);
      // GHL deleted the person and contact-sync respects that: creating the contact for a call would undo it.
      if (mapped?.closed) throw new SkipCall('deleted_in_ghl');
      progress.contactId = details.ghlContactId ?? mapped?.ghlContactId ?? null;
    }
    if (!progress.contactId) {
      if (!details.contactPhone) throw new SkipCall('no_contact_phone');
      const [firstName, ...rest] = (details.contactName ?? '').split(' ').filter(Boolean);
      progress.contactId = await tools.upsertContact(details.contactPhone, {
        ...(firstName ? { firstName } : {}),
        ...(rest.length ? { lastName: rest.join(' ') } : {}),
      });
    }

    const body = renderCallNote(details, config.timeZone);
    const fingerprint = createHash('sha256').update(body).digest('hex');
    if (!progress.noteId) {
      const marker = noteMarker(row.call_id);
      // On its own connection, committed at once: the record must survive this transaction rolling back.
      const attempted = await this.deps.db
        .insertInto('call_note_create_attempts')
        .values({ call_id: row.call_id })
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirst();
      // Tried before (and crashed before recording it)? The note may exist: adopt it instead of adding another.
      if (attempted.numInsertedOrUpdatedRows === 0n)
        progress.noteId = await tools.findNote(progress.contactId, marker);
      if (!progress.noteId) {
        progress.noteId = await tools.createNote(progress.contactId, body);
        progress.fingerprint = fingerprint;
        await outcome('created', progress.noteId);
      }
    }
    if (progress.fingerprint !== fingerprint) {
      await tools.updateNote(progress.contactId, progress.noteId, body);
      progress.fingerprint = fingerprint;
      await outcome('updated', progress.noteId);
    }

    const applied = new Set(progress.tags.map((t) => t.toLowerCase()));
    const missing = callTags(details).filter((t) => !applied.has(t.toLowerCase()));
    if (missing.length > 0) {
      await tools.addTags(progress.contactId, missing);
      progress.tags = [...progress.tags, ...missing];
      await outcome('updated', progress.contactId, 'contact');
    }
  }
}
