import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { Rng } from '@jepa/core';
import { generateFourRoomsDataset } from '../env/four-rooms/dataset.js';
import { FourRoomsEpisode } from '../env/four-rooms/episode.js';
import { renderFourRoomsFrames } from '../env/four-rooms/render-frames.js';
import { fourRoomsRoomOf } from '../env/four-rooms/rooms.js';
import { CemPlanner } from '../planning/cem-planner.js';
import { createWorldModel } from '../model/create-world-model.js';
import { encodeFourRoomsLatents } from './four-rooms-latents.js';
import { fourRoomsFrameSource } from './four-rooms-frame-source.js';
import { evaluateFourRoomsPlanning, fourRoomsHierarchicalOracle } from './four-rooms-planning.js';

const SETTINGS = { stepSkip: 15, levelHorizon: 10, levelSearch: { samples: 150, iterations: 8, elites: 10 }, horizon: 15, search: { samples: 40, iterations: 4, elites: 8, actionRepeat: 5 } };

describe('evaluateFourRoomsPlanning', () => {
  it('gives each task its own budget and scores it; the hierarchical oracle crosses two doors', () => {
    const report = evaluateFourRoomsPlanning('oracle', {
      episodes: 2,
      seed: 0,
      imageSize: 32,
      planner: ({ layout }) => fourRoomsHierarchicalOracle(layout, SETTINGS),
      horizon: (left) => left,
      replanEvery: 5,
    });
    expect(report.planner).toBe('hierarchical-cem-2-levels (oracle)');
    const episode = new FourRoomsEpisode({ seed: 0, imageSize: 32 });
    for (const r of report.results) {
      episode.reset(r.index);
      expect(r.maxSteps).toBe(episode.budget);
      expect(r.path.length / 2 - 1).toBeLessThanOrEqual(episode.budget);
      // Start and goal are in different rooms (two doors apart); the oracle ends at the goal.
      expect(fourRoomsRoomOf(r.layout, ...r.start)).not.toBe(fourRoomsRoomOf(r.layout, ...r.goal));
      expect(r.success, `task ${r.index}: ${r.finalDistance.toFixed(1)} px`).toBe(true);
      expect(r.success).toBe(r.finalDistance < 4.5);
    }
    expect(report.successes).toBe(2);
    expect(report.predictedStepsPerEpisode).toBeGreaterThan(0);
  });

  it('plans with a learned world model on Four Rooms frames, repeats itself, and leaks no tensor', () => {
    const model = createWorldModel({ imageSize: 16, inChannels: 2, actionDim: 2, encoder: { stages: [4, 8], latentDim: 8 }, predictor: { kind: 'gru' }, inverseDynamics: null }, { seed: 1 });
    const before = tf.memory().numTensors;
    const options = { episodes: 1, seed: 2, imageSize: 16, planner: new CemPlanner({ samples: 8, iterations: 2, elites: 2 }), horizon: 5, replanEvery: 5 };
    const first = evaluateFourRoomsPlanning(model, options);
    const again = evaluateFourRoomsPlanning(model, options);
    expect(Array.from(again.results[0]!.path)).toEqual(Array.from(first.results[0]!.path));
    const steps = first.results[0]!.path.length / 2 - 1;
    expect(first.results[0]!.plans).toBe(Math.ceil(steps / 5));
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});

describe('Four Rooms training data for a world model and a level above', () => {
  const dataset = generateFourRoomsDataset({ trajectories: 6, seed: 3, steps: 20 });

  it('samples rendered windows whose actions are the dataset actions that lead between their frames', () => {
    const source = fourRoomsFrameSource(dataset, { imageSize: 16 });
    const { frames, actions } = source.sample(4, 5, new Rng(0));
    expect(frames.length).toBe(4 * 5 * 16 * 16 * 2);
    expect(actions.length).toBe(4 * 5 * 2);
    for (const value of actions) expect(Math.abs(value)).toBeLessThanOrEqual(1.75 + 1e-6);
    // The same seed gives the same batch; another seed another one.
    expect(Array.from(source.sample(4, 5, new Rng(0)).actions)).toEqual(Array.from(actions));
    expect(Array.from(source.sample(4, 5, new Rng(1)).actions)).not.toEqual(Array.from(actions));
  });

  it('encodes every frame of every trajectory with the dataset actions', () => {
    const model = createWorldModel({ imageSize: 16, inChannels: 2, actionDim: 2, encoder: { stages: [4, 8], latentDim: 8 }, predictor: { kind: 'gru' }, inverseDynamics: null }, { seed: 1 });
    const before = tf.memory().numTensors;
    const data = encodeFourRoomsLatents(model, dataset, { imageSize: 16, chunk: 4 });
    expect(data.latents.length).toBe(6 * 21 * 8);
    expect(data.actions).toBe(dataset.actions);
    // Trajectory 5 (second chunk), frame 3, matches encoding that frame alone.
    const offset = (5 * 21 + 3) * 2;
    const frame = renderFourRoomsFrames({ positions: dataset.positions.subarray(offset, offset + 2), layouts: [dataset.layouts[5]!], doors: dataset.doors, imageSize: 16 });
    const alone = model.encode(frame);
    const expected = alone.dataSync();
    tf.dispose(alone);
    const got = data.latents.subarray((5 * 21 + 3) * 8, (5 * 21 + 4) * 8);
    for (let i = 0; i < 8; i++) expect(got[i]).toBeCloseTo(expected[i]!, 5);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});
