import { isToolError } from '@df/tool-http';
import type { RelayDeps } from './deps.ts';
import { knownConversation, type loadMessage, updateMessage } from './store.ts';
import type { ImportInput } from './tools.ts';

type Found = Awaited<ReturnType<typeof loadMessage>>;

export interface ImportRequest {
  /** The intent key, recorded (status `importing`) before this is called. */
  id: string;
  phone: string;
  /** The row as found before the intent was recorded: where an interrupted attempt got to. */
  found: Found;
  /** An earlier attempt may have imported it and died before recording GHL's id: look for the `altId` first. */
  recover: boolean;
  message: Omit<ImportInput, 'conversationId' | 'contactId'>;
}

/**
 * Puts one text into the person's GHL conversation through the custom provider (`altId` = the source's id),
 * whichever way it went: where an interrupted attempt got to, else where this person's earlier texts went,
 * else a GHL lookup (contact by phone through the upsert, conversation found or created), each step recorded.
 * Returns GHL's message id, and whether it was found already imported rather than imported now.
 */
export async function importIntoConversation(
  deps: RelayDeps,
  request: ImportRequest,
): Promise<{ ghlMessageId: string; recovered: boolean }> {
  const { id, phone, found, message } = request;
  const resumed = found?.ghlConversationId
    ? { contactId: found.row.ghl_contact_id!, conversationId: found.ghlConversationId }
    : null;
  const known = resumed ?? (await knownConversation(deps.db, deps.config.tenant, phone));
  const lookUp = async () => {
    const contactId = await deps.tools.ghlContactFor(phone);
    const target = { contactId, conversationId: await deps.tools.conversationFor(contactId) };
    await updateMessage(deps.db, id, {
      ghl_contact_id: contactId,
      ghl_conversation_id: target.conversationId,
    });
    return target;
  };
  const importInto = (target: { contactId: string; conversationId: string }) =>
    deps.tools.importMessage({ ...target, ...message });

  let ghlMessageId: string | null = null;
  let recovered = false;
  if (known) {
    if (!resumed) {
      await updateMessage(deps.db, id, {
        ghl_contact_id: known.contactId,
        ghl_conversation_id: known.conversationId,
      });
    }
    ghlMessageId = request.recover
      ? await deps.tools.findImported(known.conversationId, message.altId)
      : null;
    recovered = ghlMessageId !== null;
    try {
      ghlMessageId ??= await importInto(known);
    } catch (error) {
      // A remembered conversation GHL no longer has (the contact merged or deleted): look the person up again.
      if (resumed || !(isToolError(error, 'not_found') || isToolError(error, 'bad_request'))) throw error;
    }
  }
  ghlMessageId ??= await importInto(await lookUp());
  return { ghlMessageId, recovered };
}
