import { toE164 } from '@df/contracts';
import { HttpError } from './http.ts';
import type { OfferedCommand } from './sources/commands.ts';

/** A replay's start: empty is the epoch (everything); a browser's date-time field has no zone, read as UTC. */
function replayFrom(raw: string): string {
  const text = raw.trim();
  if (text === '') return '1970-01-01T00:00:00.000Z';
  const local = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(text)
    ? `${text}${text.length === 16 ? ':00' : ''}Z`
    : text;
  const at = new Date(local);
  if (Number.isNaN(at.getTime())) throw new HttpError(400, 'invalid_request', 'from: a date and time');
  return at.toISOString();
}

/** The commands page's form fields as a command's data; the command schema checks the rest. */
export function commandDataFromForm(type: OfferedCommand, form: Record<string, string>): unknown {
  switch (type) {
    case 'contact.sync_requested': {
      if (form.phone) {
        const phone = toE164(form.phone);
        if (!phone) throw new HttpError(400, 'invalid_request', 'phone: not a phone number');
        return { target: { by: 'phone', phone } };
      }
      if (form.contactId) return { target: { by: 'ghl_id', ghlContactId: form.contactId } };
      throw new HttpError(400, 'invalid_request', 'give a phone or a GHL contact id');
    }
    case 'list.rebuild_requested':
      return { target: { by: 'tag', tag: form.tag ?? '' }, mode: form.mode || 'soft' };
    case 'reconcile.requested': {
      const limit = form.limit?.trim();
      if (limit && !/^\d+$/.test(limit)) throw new HttpError(400, 'invalid_request', 'limit: a whole number');
      return { heal: form.heal === 'true', ...(limit ? { limit: Number(limit) } : {}) };
    }
    case 'replay.requested':
      return {
        group: form.group,
        from: replayFrom(form.from ?? ''),
        mode: form.mode,
        ...(form.dryRun === 'true' ? { dryRun: true } : {}),
      };
    case 'backfill.requested':
      return { source: 'ghl', ...(form.restart === 'true' ? { restart: true } : {}) };
  }
}
