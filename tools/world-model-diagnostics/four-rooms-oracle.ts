// Four Rooms through the true simulator: is the task hard for the search itself? Plans the seeded
// two-door tasks (budget 2.8x the expert's steps) with flat CEM (100 x 10, actions held 15 steps,
// horizon 90, replan every 10, latent distance at the plan's end) or with the two-level planner (CEM
// 400 x 20 over up to 10 macro-steps of 15 simulated actions above CEM 100 x 10 over 15 actions,
// replan every 5), and prints the success rate with its 95 % interval and the compute per task.
// Usage: npx tsx tools/world-model-diagnostics/four-rooms-oracle.ts flat|hierarchical [TASKS=100]
import { Rng, type Planner } from '@jepa/core';
import {
  CemPlanner,
  FourRoomsEpisode,
  HierarchicalPlanner,
  heldActionStep,
  latentDistanceCost,
  runMpcEpisode,
  simulatorWorldModel,
  stepFourRooms,
  wilsonInterval,
  type FourRoomsLayout,
} from '@jepa/hierarchy';
const which = process.argv[2] ?? 'flat';
if (which !== 'flat' && which !== 'hierarchical') throw new Error(`planner must be flat or hierarchical, got ${which}`);
const tasks = Number(process.argv[3] ?? 100);
const SKIP = 15;
const stepOf = (layout: FourRoomsLayout) => (s: Float32Array, a: Float32Array) => Float32Array.from(stepFourRooms(layout, s, a));
const plannerFor = (layout: FourRoomsLayout): Planner => {
  if (which === 'flat') return new CemPlanner({ samples: 100, iterations: 10, elites: 10, actionRepeat: SKIP });
  const macroStep = heldActionStep(stepOf(layout), SKIP);
  return new HierarchicalPlanner({
    planner: new CemPlanner({ samples: 100, iterations: 10, elites: 10, actionRepeat: 5 }),
    horizon: SKIP,
    levels: [{ model: simulatorWorldModel({ stateDim: 2, actionDim: 2, step: macroStep }), stepSkip: SKIP, horizon: 10, planner: new CemPlanner({ samples: 400, iterations: 20, elites: 10 }) }],
  });
};
let successes = 0;
let predictedSteps = 0;
let seconds = 0;
const episode = new FourRoomsEpisode({ seed: 0, imageSize: 32 });
for (let index = 0; index < tasks; index++) {
  episode.reset(index);
  const started = performance.now();
  const run = runMpcEpisode<Float32Array>({
    environment: {
      observe: () => Float32Array.from(episode.position),
      goalObservation: () => Float32Array.from(episode.goal),
      step: (a) => void episode.step([a[0]!, a[1]!]),
      get done() {
        return episode.done;
      },
    },
    model: simulatorWorldModel({ stateDim: 2, actionDim: 2, step: stepOf(episode.layout) }),
    planner: plannerFor(episode.layout),
    maxSteps: episode.budget,
    horizon: which === 'flat' ? (left) => Math.min(90, left) : (left) => left,
    replanEvery: which === 'flat' ? 10 : 5,
    rng: new Rng(0).derive(`four-rooms-${index}`),
    cost: latentDistanceCost({ reduction: 'final' }),
  });
  seconds += (performance.now() - started) / 1000;
  predictedSteps += run.predictedSteps;
  if (episode.success) successes++;
  console.error(`task ${index}: ${episode.success ? 'reached' : 'missed'} (${episode.distanceToGoal.toFixed(1)} px) in ${episode.stepsTaken} of ${episode.budget} steps (expert ${episode.expertSteps})`);
}
const [low, high] = wilsonInterval(successes, tasks);
console.log(JSON.stringify({ planner: which, tasks, successes, successRate: successes / tasks, ci95: [low, high], predictedStepsPerTask: predictedSteps / tasks, secondsPerTask: seconds / tasks }));
