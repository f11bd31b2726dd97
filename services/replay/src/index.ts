export { replayCommands } from './commands.ts';
export { rebuild, redrive, replay } from './jobs.ts';
export { PROJECTIONS, projectionsNamed, SIDE_EFFECT_TOPICS } from './projections.ts';
