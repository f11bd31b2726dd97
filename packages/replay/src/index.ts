export { insertRowsIgnoringDuplicates } from './bulk-insert.ts';
export type { ProjectedTable, Projection, ShadowTable } from './projection.ts';
export {
  type RebuildEnvironment,
  type RebuildOptions,
  type RebuildProgress,
  type RebuildSummary,
  rebuildProjection,
  SwitchTimedOut,
} from './rebuild.ts';
export { compareWithLive, createShadow, dropShadow, type TableDifference } from './shadow.ts';
export {
  type ReplayedRecord,
  type ReplayFilter,
  replayedId,
  replayWithSideEffects,
  type SideEffectEnvironment,
  type SideEffectReplayRequest,
  type SideEffectReplaySummary,
  selects,
} from './side-effects.ts';
