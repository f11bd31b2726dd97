import { list, oneOf, text } from '@df/env';
import type { z } from 'zod';
import type { Side } from './domain/merge.ts';
import { DEFAULT_SYNC_POLICY } from './domain/plan.ts';
import { SMS_OPT_OUT_TAG, SYNCED_FIELDS, type SyncedField } from './domain/snapshot.ts';
import type { ContactSyncConfig } from './sync-contact.ts';

/** contact-sync's policies, one variable each (README: "contact-sync policies"). */
export const contactSyncPolicyEnv = {
  // `field:side` pairs: that side alone may change the field, e.g. `email:ghl,leadSource:aloware`.
  CONTACT_SYNC_FIELD_OWNERS: list(),
  CONTACT_SYNC_DUPLICATES: oneOf(['report', 'link'], DEFAULT_SYNC_POLICY.duplicates),
  CONTACT_SYNC_AFTER_GHL_DELETE: oneOf(['respect', 'recreate'], DEFAULT_SYNC_POLICY.afterGhlDelete),
  CONTACT_SYNC_MISSING_TARGET: oneOf(['recreate', 'report'], DEFAULT_SYNC_POLICY.missingTarget),
  CONTACT_SYNC_ON_GHL_DELETE: oneOf(['tag', 'ignore'], 'tag'),
  CONTACT_SYNC_DELETED_TAG: text('deleted-in-ghl'),
  CONTACT_SYNC_SMS_OPT_OUT_TAG: text(SMS_OPT_OUT_TAG),
};

type PolicyEnv = { [K in keyof typeof contactSyncPolicyEnv]: z.output<(typeof contactSyncPolicyEnv)[K]> };

/** Refuses a field-owner pair that names no synced field or no tool, with the variable named. */
export function refineContactSyncPolicyEnv(env: PolicyEnv, ctx: z.RefinementCtx): void {
  for (const pair of env.CONTACT_SYNC_FIELD_OWNERS) {
    const [field, side] = pair.split(':');
    if (SYNCED_FIELDS.includes(field as SyncedField) && (side === 'ghl' || side === 'aloware')) continue;
    ctx.addIssue({
      code: 'custom',
      path: ['CONTACT_SYNC_FIELD_OWNERS'],
      message: `expected field:ghl or field:aloware with a field among ${SYNCED_FIELDS.join(', ')}, got "${pair}"`,
    });
  }
}

export function toContactSyncConfig(env: PolicyEnv): ContactSyncConfig {
  const owners = Object.fromEntries(
    env.CONTACT_SYNC_FIELD_OWNERS.map((pair) => pair.split(':') as [SyncedField, Side]),
  );
  return {
    policy: {
      conflict: { owners },
      duplicates: env.CONTACT_SYNC_DUPLICATES,
      afterGhlDelete: env.CONTACT_SYNC_AFTER_GHL_DELETE,
      missingTarget: env.CONTACT_SYNC_MISSING_TARGET,
    },
    onGhlDelete: env.CONTACT_SYNC_ON_GHL_DELETE,
    deletedTag: env.CONTACT_SYNC_DELETED_TAG,
    smsOptOutTag: env.CONTACT_SYNC_SMS_OPT_OUT_TAG,
  };
}
