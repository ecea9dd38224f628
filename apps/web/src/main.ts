import type { ImageData32, LabeledImages } from '@jepa/core';
import { BROWSER_BACKENDS, chooseBackend, describeBackend, type BrowserBackend, type PageBackend } from './backend.js';
import { imageModelFromCheckpoint, readPickedCheckpoint, type ImageModel } from './checkpoint.js';
import { embedImages } from './embed.js';
import { decodeImageFile, rgbaToImage, type DecodedImage } from './images.js';
import { renderLossChart } from './loss-chart.js';
import { drawMasks, sampleImageMasks, type ImageMasks } from './mask-overlay.js';
import { decodeMnistSubset } from './mnist-subset.js';
import { cosineNeighbours, type Neighbour } from './neighbours.js';
import { TabTraining } from './tiny-training.js';
import { drawTwoRoomsEpisode, planTwoRoomsEpisode } from './two-rooms-view.js';
import type { PageSnapshot } from './page-hooks.js';

const NEIGHBOURS = 3;
const CARD_PIXELS = 168;

const $ = <T extends HTMLElement>(id: string): T => {
  const element = document.getElementById(id);
  if (!element) throw new Error(`index.html has no #${id}`);
  return element as T;
};

interface PageImage {
  readonly decoded: DecodedImage;
  masks?: ImageMasks;
  neighbours?: Neighbour[];
}

const state: {
  backend?: PageBackend;
  model?: ImageModel;
  /** Whether `model` is the tab's trained model (owned by `training`, not disposed with the model). */
  modelFromTraining: boolean;
  images: PageImage[];
  features?: Float32Array;
  maskSeed: number;
  mnist?: LabeledImages;
  training?: TabTraining;
  trainingRunning: boolean;
  errors: string[];
  busy: number;
  plannedEpisode?: PageSnapshot['plannedEpisode'];
} = { modelFromTraining: false, images: [], maskSeed: 0, trainingRunning: false, errors: [], busy: 0 };

function showError(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  state.errors.push(message);
  console.error(error);
  const box = $<HTMLPreElement>('errors');
  box.hidden = false;
  box.textContent = state.errors.slice(-5).join('\n\n');
}

/** Runs page work one task at a time (tfjs calls of embedding and training never interleave mid-task). */
let queue: Promise<void> = Promise.resolve();
function enqueue(task: () => Promise<void>): Promise<void> {
  state.busy++;
  const run = queue.then(task).catch(showError).finally(() => {
    state.busy--;
  });
  queue = run;
  return run;
}

// ---------- model ----------

function setModel(model: ImageModel | undefined, fromTraining: boolean): void {
  if (state.model && !state.modelFromTraining) state.model.encoder.dispose();
  state.model = model;
  state.modelFromTraining = fromTraining;
  state.features = undefined;
  $('model-status').textContent = model ? `Model: ${model.description}` : 'No model yet: open a checkpoint, or train one below and use it.';
}

async function openCheckpoint(files: readonly File[]): Promise<void> {
  $('model-status').textContent = `Reading ${files.map((f) => f.name).join(', ')}…`;
  const file = await readPickedCheckpoint(files);
  const headsText = $<HTMLInputElement>('heads-input').value.trim();
  const numHeads = headsText === '' ? undefined : Number(headsText);
  try {
    setModel(imageModelFromCheckpoint(file, numHeads), false);
  } catch (error) {
    $('model-status').textContent = 'The checkpoint could not be opened (see the message below).';
    throw error;
  }
  await refreshImages();
}

// ---------- images ----------

async function addImages(files: readonly File[]): Promise<void> {
  const images = files.filter((f) => f.type.startsWith('image/') || /\.(png|jpe?g|webp|gif|avif|bmp)$/i.test(f.name));
  if (images.length < files.length) showError(`Skipped ${files.length - images.length} file(s) that are not images.`);
  for (const file of images) state.images.push({ decoded: await decodeImageFile(file) });
  await refreshImages();
}

function resampleMasks(): void {
  const model = state.model;
  if (!model) return;
  const grid: [number, number] = [model.imageSize / model.patchSize, model.imageSize / model.patchSize];
  state.images.forEach((image, i) => {
    image.masks = sampleImageMasks(grid, model.masks, state.maskSeed * 100_003 + i);
  });
}

/** Masks, features and neighbours of every image under the current model, then the cards. */
async function refreshImages(): Promise<void> {
  const model = state.model;
  state.features = undefined;
  for (const image of state.images) {
    image.masks = undefined;
    image.neighbours = undefined;
  }
  if (model && state.images.length > 0) {
    $('images-status').textContent = `Embedding ${state.images.length} image(s)…`;
    resampleMasks();
    const inputs: ImageData32[] = state.images.map(({ decoded }) => rgbaToImage(decoded.rgba, decoded.width, decoded.height, model.channels));
    const started = performance.now();
    const features = await embedImages(model, inputs);
    state.features = features;
    const dim = features.length / state.images.length;
    const neighbours = cosineNeighbours(features, state.images.length, dim, NEIGHBOURS);
    state.images.forEach((image, i) => {
      image.neighbours = neighbours[i];
    });
    $('images-status').textContent =
      `${state.images.length} image(s), ${dim}-dimensional features in ${((performance.now() - started) / 1000).toFixed(2)} s.`;
  } else {
    $('images-status').textContent = state.images.length > 0 ? `${state.images.length} image(s); open or train a model to embed them.` : '';
  }
  renderCards();
}

function renderCards(): void {
  const grid = $('image-grid');
  grid.replaceChildren();
  state.images.forEach((image, i) => {
    const card = document.createElement('div');
    card.className = 'card';
    card.dataset.index = String(i);
    const name = document.createElement('div');
    name.className = 'name';
    name.textContent = `${i + 1}. ${image.decoded.name}`;
    name.title = image.decoded.name;
    const canvas = document.createElement('canvas');
    canvas.width = CARD_PIXELS;
    canvas.height = CARD_PIXELS;
    const context = canvas.getContext('2d')!;
    // The centre square, as prepareImage feeds the model, so the mask tokens line up with the picture.
    const { bitmap, width, height } = image.decoded;
    const side = Math.min(width, height);
    context.imageSmoothingEnabled = side > CARD_PIXELS;
    context.drawImage(bitmap, (width - side) / 2, (height - side) / 2, side, side, 0, 0, CARD_PIXELS, CARD_PIXELS);
    if (image.masks) drawMasks(context, image.masks, CARD_PIXELS, CARD_PIXELS);
    card.append(name, canvas);
    if (image.neighbours) {
      const list = document.createElement('ol');
      list.className = 'neighbours';
      for (const n of image.neighbours) {
        const item = document.createElement('li');
        item.textContent = `#${n.index + 1} ${state.images[n.index]!.decoded.name}: cosine ${n.similarity.toFixed(3)}`;
        list.append(item);
      }
      card.append(list);
    }
    grid.append(card);
  });
}

// ---------- training ----------

async function loadMnist(): Promise<LabeledImages> {
  if (state.mnist) return state.mnist;
  const response = await fetch(`${import.meta.env.BASE_URL}mnist-subset.bin`);
  if (!response.ok) throw new Error(`Cannot load the MNIST digits (mnist-subset.bin: HTTP ${response.status}). Rebuild the app.`);
  state.mnist = decodeMnistSubset(new Uint8Array(await response.arrayBuffer()));
  return state.mnist;
}

/** Download links for the run's newest checkpoint: the files `jepa train ijepa` writes, which this page and `jepa` open. */
function renderCheckpointLinks(training: TabTraining): void {
  const box = $('checkpoint-links');
  for (const link of Array.from(box.querySelectorAll('a'))) URL.revokeObjectURL(link.href);
  box.replaceChildren();
  const checkpoint = training.checkpoint;
  if (!checkpoint) return;
  const tensors = checkpoint.tensors instanceof Blob ? checkpoint.tensors : new Blob([checkpoint.tensors as BlobPart]);
  const files: Array<[string, Blob]> = [
    [`${checkpoint.name}.safetensors`, tensors],
    [`${checkpoint.name}.json`, new Blob([checkpoint.manifest], { type: 'application/json' })],
  ];
  box.append(`Checkpoint of step ${checkpoint.step} (${checkpoint.reason}): `);
  files.forEach(([name, blob], i) => {
    const link = document.createElement('a');
    link.href = URL.createObjectURL(blob);
    link.download = name;
    link.textContent = name;
    link.className = 'checkpoint-link';
    box.append(...(i > 0 ? [' and ', link] : [link]));
  });
  box.append(' (open both above, or use them with jepa embed --checkpoint).');
}

async function startTraining(): Promise<void> {
  const steps = Number($<HTMLInputElement>('steps-input').value);
  const batchSize = Number($<HTMLInputElement>('batch-input').value);
  if (!Number.isInteger(steps) || steps < 1) throw new Error(`Steps must be a positive integer, got ${$<HTMLInputElement>('steps-input').value}.`);
  if (!Number.isInteger(batchSize) || batchSize < 2) throw new Error(`Batch must be an integer of at least 2, got ${$<HTMLInputElement>('batch-input').value}.`);
  const data = await loadMnist();
  const previous = state.training;
  const resume = previous !== undefined && !previous.finished && previous.options.steps === steps && previous.options.batchSize === batchSize;
  if (state.modelFromTraining) {
    setModel(undefined, false);
    await refreshImages();
  }
  let training: TabTraining;
  if (resume) {
    training = previous;
  } else {
    previous?.dispose();
    training = new TabTraining(data, { steps, batchSize });
    state.training = training;
  }
  state.trainingRunning = true;
  $<HTMLButtonElement>('train-button').disabled = true;
  $<HTMLButtonElement>('stop-button').disabled = false;
  $<HTMLButtonElement>('use-trained-button').disabled = true;
  const chart = $('loss-chart') as unknown as SVGSVGElement;
  const status = $('train-status');
  status.textContent = `${resume ? 'Resuming' : 'Training'} on ${data.count} MNIST digits…`;
  try {
    await training.run((step) => {
      renderLossChart(chart, training.losses);
      status.textContent = `step ${step.step} / ${steps}: loss ${step.loss.toFixed(4)}, lr ${step.lr.toExponential(2)}, ${step.stepsPerSecond.toFixed(1)} steps/s`;
    });
    status.textContent += training.finished ? ' (done)' : ' (stopped: Train resumes)';
  } finally {
    state.trainingRunning = false;
    $<HTMLButtonElement>('train-button').disabled = false;
    $<HTMLButtonElement>('train-button').textContent = training.finished ? 'Train' : 'Resume';
    $<HTMLButtonElement>('stop-button').disabled = true;
    $<HTMLButtonElement>('use-trained-button').disabled = training.stepsDone === 0;
    renderCheckpointLinks(training);
  }
}

async function useTrainedModel(): Promise<void> {
  const training = state.training;
  if (!training) return;
  const config = training.config;
  const model = training.trainable.model.config;
  setModel(
    {
      description: `trained in this tab for ${training.stepsDone} steps: target encoder, ViT ${model.encoder.embedDim} wide, ${model.encoder.depth} deep, patch ${model.patchSize}, image ${model.imageSize} x ${model.imageSize} x 1 (MNIST normalisation)`,
      encoder: training.trainable.model.targetEncoder,
      imageSize: model.imageSize,
      patchSize: model.patchSize,
      channels: 1,
      normalization: config.normalization,
      masks: config.masks,
    },
    true,
  );
  await refreshImages();
}

// ---------- Two Rooms ----------

let plannedEpisodes = 0;

async function planEpisode(): Promise<void> {
  const episode = plannedEpisodes++;
  const status = $('plan-status');
  status.textContent = `Planning episode ${episode}…`;
  await new Promise((resolve) => setTimeout(resolve, 0));
  const result = planTwoRoomsEpisode(episode);
  state.plannedEpisode = { index: result.index, success: result.success, finalDistance: result.finalDistance, steps: result.path.length / 2 - 1 };
  const canvas = $<HTMLCanvasElement>('two-rooms-canvas');
  const steps = result.path.length / 2 - 1;
  // Replay the executed actions, about 3 s in all.
  for (let step = 0; step <= steps; step += 4) {
    drawTwoRoomsEpisode(canvas, result, step);
    await new Promise((resolve) => requestAnimationFrame(resolve));
  }
  drawTwoRoomsEpisode(canvas, result, steps);
  status.textContent =
    `Episode ${result.index}: ${result.success ? 'reached the goal' : 'missed the goal'} (${result.finalDistance.toFixed(1)} px from it at the end, ` +
    `${result.startDistance.toFixed(1)} px at the start); ${result.plans} plans in ${result.planningSeconds.toFixed(2)} s.`;
}

// ---------- test hooks ----------

function snapshot(): PageSnapshot {
  const dim = state.features && state.images.length > 0 ? state.features.length / state.images.length : 0;
  return {
    backend: state.backend?.backend,
    skippedBackends: state.backend?.skipped ?? [],
    kernelThreads: state.backend?.info.kernelThreads,
    model: state.model?.description,
    images: state.images.map((image, i) => ({
      name: image.decoded.name,
      features: state.features ? Array.from(state.features.subarray(i * dim, (i + 1) * dim)) : undefined,
      neighbours: image.neighbours?.map((n) => ({ ...n })),
      masks: image.masks ? { context: [...image.masks.context], targets: image.masks.targets.map((t) => [...t]) } : undefined,
    })),
    losses: [...(state.training?.losses ?? [])],
    checkpoint: state.training?.checkpoint?.name,
    plannedEpisode: state.plannedEpisode,
    training: state.trainingRunning,
    busy: state.busy > 0,
    errors: [...state.errors],
  };
}

// ---------- wiring ----------

function wire(): void {
  $<HTMLInputElement>('checkpoint-input').addEventListener('change', (event) => {
    const input = event.target as HTMLInputElement;
    const files = Array.from(input.files ?? []);
    input.value = '';
    if (files.length > 0) void enqueue(() => openCheckpoint(files));
  });
  $<HTMLInputElement>('image-input').addEventListener('change', (event) => {
    const input = event.target as HTMLInputElement;
    const files = Array.from(input.files ?? []);
    input.value = '';
    if (files.length > 0) void enqueue(() => addImages(files));
  });
  const zone = $('drop-zone');
  zone.addEventListener('dragover', (event) => {
    event.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    zone.classList.remove('over');
    const files = Array.from(event.dataTransfer?.files ?? []);
    if (files.length > 0) void enqueue(() => addImages(files));
  });
  $('resample-button').addEventListener('click', () => {
    state.maskSeed++;
    resampleMasks();
    renderCards();
  });
  $('clear-button').addEventListener('click', () => {
    for (const image of state.images) image.decoded.bitmap.close();
    state.images = [];
    void enqueue(refreshImages);
  });
  $('train-button').addEventListener('click', () => void enqueue(startTraining));
  $('stop-button').addEventListener('click', () => state.training?.stop());
  $('use-trained-button').addEventListener('click', () => void enqueue(useTrainedModel));
  $('plan-button').addEventListener('click', () => void enqueue(planEpisode));
}

async function start(): Promise<void> {
  wire();
  const asked = new URLSearchParams(location.search).get('backend') ?? undefined;
  if (asked !== undefined && !(BROWSER_BACKENDS as readonly string[]).includes(asked)) {
    throw new Error(`?backend=${asked}: use one of ${BROWSER_BACKENDS.join(', ')}.`);
  }
  state.backend = await chooseBackend(asked as BrowserBackend | undefined);
  $('backend').textContent = describeBackend(state.backend, asked !== undefined);
  document.body.dataset.backend = state.backend.backend;
}

const ready = start().catch((error) => {
  $('backend').textContent = 'TensorFlow.js could not start (see below).';
  showError(error);
});

window.jepaWeb = {
  ready,
  snapshot,
  idle: async () => {
    await ready;
    while (state.busy > 0) await queue.catch(() => undefined);
  },
};
