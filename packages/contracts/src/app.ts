import { z } from 'zod';

/**
 * GHL's marketplace app was installed in, or removed from, a location (`AppInstall` / `AppUninstall`, whose
 * `type` is INSTALL / UNINSTALL). An agency-level event names the company and no location.
 */
export const AppLifecycleData = z
  .object({
    appId: z.string().nullable(),
    locationId: z.string().nullable(),
    companyId: z.string().nullable(),
  })
  .meta({ id: 'AppLifecycleData' });
export type AppLifecycleData = z.infer<typeof AppLifecycleData>;
