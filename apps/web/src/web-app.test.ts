import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { readCheckpointFile } from '@jepa/core/node';
import { createEncoderFromCheckpoint, extractFeatures, IMAGENET_MEAN, IMAGENET_STD, type Normalization } from '@jepa/vision';
import { encodePng } from '@jepa/vision/node';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareImage, rgbaToImage } from './images.js';
import type { PageSnapshot } from './page-hooks.js';

/**
 * The web app in a real browser (issue 12): build it with Vite, serve the build on localhost, drive
 * Debian's Chromium with playwright-core, open the tiny official-format I-JEPA checkpoint of the
 * parity fixtures, embed images and compare the features with the same library code under Node,
 * train a few steps in the tab, download the run checkpoint and open it again (page and Node), plan
 * a Two Rooms episode through the simulator, and keep a screenshot. Locally it is skipped when /usr/bin/chromium is missing; in CI (`CI` or
 * `JEPA_REQUIRE_BROWSER=1`) a missing browser fails.
 */
const CHROMIUM = process.env.JEPA_CHROMIUM ?? '/usr/bin/chromium';
const BROWSER_REQUIRED = Boolean(process.env.CI) || process.env.JEPA_REQUIRE_BROWSER === '1';
const appRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = resolve(appRoot, '..', '..');
const fixture = resolve(repoRoot, '..', 'shared', 'fixtures', 'ijepa-tiny', 'checkpoint.pth.tar');
/** Screenshots land here (gitignored): apps/web/test-results/. */
const resultsDir = join(appRoot, 'test-results');
const FIXTURE_HEADS = 3;
const FIXTURE_IMAGE_SIZE = 32;
const TRAIN_STEPS = 12;

/** Chromium's flags on these machines: no sandbox as root, no GPU, and no background connections (the network is closed). */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.bin': 'application/octet-stream',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/** A static server for the built app, cross-origin isolated like `vite preview` (see vite.config.ts). */
function serveFolder(root: string): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    void (async () => {
      const path = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
      const file = normalize(join(root, path.endsWith('/') ? `${path}index.html` : path));
      if (relative(root, file).startsWith('..')) {
        response.writeHead(403).end();
        return;
      }
      try {
        const body = await readFile(file);
        response.writeHead(200, {
          'Content-Type': MIME[extname(file)] ?? 'application/octet-stream',
          'Cross-Origin-Opener-Policy': 'same-origin',
          'Cross-Origin-Embedder-Policy': 'require-corp',
        });
        response.end(body);
      } catch {
        response.writeHead(404).end();
      }
    })();
  });
  return new Promise((resolveServer) => {
    server.listen(0, '127.0.0.1', () => resolveServer({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` }));
  });
}

/** `vite build` of apps/web into `outDir` (a child process, as `npm run build -w apps/web` runs it). */
function buildApp(outDir: string): Promise<void> {
  const vite = join(repoRoot, 'node_modules', 'vite', 'bin', 'vite.js');
  return new Promise((resolveBuild, reject) => {
    const child = spawn(process.execPath, [vite, 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'], { cwd: appRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolveBuild() : reject(new Error(`vite build of apps/web failed (exit ${code}):\n${output}`))));
  });
}

/** Deterministic 32 x 32 RGB test pictures: two similar gradients and one checkerboard. */
function testPicture(kind: number): Uint8Array {
  const data = new Uint8Array(FIXTURE_IMAGE_SIZE * FIXTURE_IMAGE_SIZE * 3);
  for (let y = 0; y < FIXTURE_IMAGE_SIZE; y++) {
    for (let x = 0; x < FIXTURE_IMAGE_SIZE; x++) {
      const p = (y * FIXTURE_IMAGE_SIZE + x) * 3;
      if (kind === 2) {
        const on = ((x >> 2) + (y >> 2)) % 2 === 0;
        data.set(on ? [240, 230, 40] : [20, 30, 200], p);
      } else {
        data.set([(x * 8 + kind * 5) % 256, (y * 8) % 256, (128 + x * 3 - y * 2 + kind * 9) & 255], p);
      }
    }
  }
  return data;
}

/** RGB bytes as the RGBA a canvas gives for an opaque picture. */
function withAlpha(rgb: Uint8Array): Uint8Array {
  const rgba = new Uint8Array((rgb.length / 3) * 4).fill(255);
  for (let p = 0; p < rgb.length / 3; p++) rgba.set(rgb.subarray(3 * p, 3 * p + 3), 4 * p);
  return rgba;
}

/** The same library code under Node: the fixture's target encoder, ImageNet normalisation, tokens averaged. */
async function nodeFeatures(pictures: readonly Uint8Array[]): Promise<Float32Array> {
  const file = await readCheckpointFile(fixture);
  const { encoder } = createEncoderFromCheckpoint(file, { numHeads: FIXTURE_HEADS });
  try {
    const perImage = FIXTURE_IMAGE_SIZE * FIXTURE_IMAGE_SIZE * 3;
    const images = new Float32Array(pictures.length * perImage);
    pictures.forEach((picture, i) => picture.forEach((v, j) => (images[i * perImage + j] = v / 255)));
    return await extractFeatures(
      encoder,
      { images, labels: new Int32Array(pictures.length), count: pictures.length, height: FIXTURE_IMAGE_SIZE, width: FIXTURE_IMAGE_SIZE, channels: 3, classNames: ['image'] },
      { normalization: { mean: [...IMAGENET_MEAN], std: [...IMAGENET_STD] } },
    );
  } finally {
    encoder.dispose();
  }
}

const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && !BROWSER_REQUIRED) {
  console.warn(`apps/web browser test skipped: ${CHROMIUM} is missing. Install Debian's chromium (apt-get install -y chromium) to run it; CI installs it and requires it.`);
}

describe.skipIf(!haveChromium && !BROWSER_REQUIRED)('apps/web in Chromium', () => {
  let browser: Browser | undefined;
  let server: Server | undefined;
  let url = '';
  let outDir = '';

  beforeAll(async () => {
    if (!haveChromium) {
      throw new Error(`${CHROMIUM} is missing, and this run requires the browser test (CI or JEPA_REQUIRE_BROWSER=1). Install it: apt-get install -y chromium.`);
    }
    outDir = await mkdtemp(join(tmpdir(), 'jepa-web-'));
    const { chromium } = await import('playwright-core');
    // Build, pick the Node backend and start the browser at the same time.
    const [, , launched] = await Promise.all([
      buildApp(outDir),
      tf.setBackend('cpu'),
      chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS }),
    ]);
    browser = launched;
    ({ server, url } = await serveFolder(outDir));
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((done) => (server ? server.close(done) : done(undefined)));
    if (outDir) await rm(outDir, { recursive: true, force: true });
  });

  it('opens an official checkpoint, embeds images as Node does, trains in the tab, reopens the run checkpoint, plans a Two Rooms episode, and says its backend', async () => {
    const page = await browser!.newPage({ viewport: { width: 1100, height: 1000 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    const snapshot = () => page.evaluate(() => window.jepaWeb.snapshot()) as Promise<PageSnapshot>;
    const idle = () => page.evaluate(() => window.jepaWeb.idle());

    // The automatic choice (WebGPU > WebGL > wasm) is reported on the page; the checks then run on wasm,
    // the backend every browser has (headless Chromium without a GPU has no WebGPU and often no WebGL).
    await page.goto(url);
    await page.evaluate(() => window.jepaWeb.ready);
    expect(await page.textContent('#backend')).toMatch(/^TensorFlow\.js backend: (webgpu|webgl|wasm)/);
    await page.goto(`${url}?backend=wasm`);
    await page.evaluate(() => window.jepaWeb.ready);
    expect(await page.textContent('#backend')).toMatch(/^TensorFlow\.js backend: wasm, @jepa\/core's SIMD kernels on 2 threads/);

    // The official-format fixture (torch.save zip, DDP prefixes) read from its bytes in the page.
    await page.fill('#heads-input', String(FIXTURE_HEADS));
    await page.setInputFiles('#checkpoint-input', fixture);
    await idle();
    const pictures = [0, 1, 2].map(testPicture);
    const pngs = await Promise.all(pictures.map((data) => encodePng({ width: FIXTURE_IMAGE_SIZE, height: FIXTURE_IMAGE_SIZE, channels: 3, data })));
    await page.setInputFiles('#image-input', pngs.map((png, i) => ({ name: `picture-${i}.png`, mimeType: 'image/png', buffer: Buffer.from(png) })));
    await idle();
    const embedded = await snapshot();
    expect(embedded.errors).toEqual([]);
    expect(embedded.model).toMatch(/checkpoint\.pth\.tar: target_encoder, ViT 48 wide, 2 deep, 3 heads, patch 4, image 32 x 32 x 3/);
    expect(embedded.images.map((image) => image.name)).toEqual(['picture-0.png', 'picture-1.png', 'picture-2.png']);

    const expected = await nodeFeatures(pictures);
    const dim = expected.length / pictures.length;
    let worst = 0;
    embedded.images.forEach((image, i) => {
      expect(image.features).toHaveLength(dim);
      image.features!.forEach((v, d) => (worst = Math.max(worst, Math.abs(v - expected[i * dim + d]!))));
    });
    expect(worst).toBeLessThan(1e-4);
    // Nearest neighbours: the two gradients find each other; masks: 4 target blocks on the 8 x 8 grid.
    expect(embedded.images[0]!.neighbours![0]!.index).toBe(1);
    expect(embedded.images[1]!.neighbours![0]!.index).toBe(0);
    for (const image of embedded.images) {
      expect(image.masks!.targets).toHaveLength(4);
      expect(image.masks!.context.length).toBeGreaterThan(4);
    }

    // A few updates of the tiny MNIST I-JEPA in the tab; the loss falls.
    await page.fill('#steps-input', String(TRAIN_STEPS));
    await page.fill('#batch-input', '16');
    await page.click('#train-button');
    await page.waitForFunction((steps) => window.jepaWeb.snapshot().losses.length >= steps && !window.jepaWeb.snapshot().training, TRAIN_STEPS, { timeout: 60_000 });
    await idle();
    const trained = await snapshot();
    expect(trained.errors).toEqual([]);
    const losses = trained.losses;
    expect(losses).toHaveLength(TRAIN_STEPS);
    expect(losses.every(Number.isFinite)).toBe(true);
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
    expect(mean(losses.slice(-4))).toBeLessThan(mean(losses.slice(0, 4)));
    expect(await page.textContent('#train-status')).toMatch(new RegExp(`step ${TRAIN_STEPS} / ${TRAIN_STEPS}: loss .* \\(done\\)`));

    // The run's checkpoint, downloaded as the two files `jepa train ijepa` writes, opens again in the
    // page (heads, normalisation and masks from its manifest) and under Node, with the same features.
    expect(trained.checkpoint).toBe(`step-${String(TRAIN_STEPS).padStart(6, '0')}`);
    const runDir = join(outDir, 'run-checkpoint');
    await mkdir(runDir, { recursive: true });
    const downloaded: string[] = [];
    for (const link of await page.$$('#checkpoint-links a')) {
      const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
      const path = join(runDir, download.suggestedFilename());
      await download.saveAs(path);
      downloaded.push(path);
    }
    expect(downloaded.map((path) => relative(runDir, path)).sort()).toEqual([`${trained.checkpoint}.json`, `${trained.checkpoint}.safetensors`]);
    await page.fill('#heads-input', '');
    await page.setInputFiles('#checkpoint-input', downloaded);
    await idle();
    const reopened = await snapshot();
    expect(reopened.errors).toEqual([]);
    expect(reopened.model).toMatch(new RegExp(`${trained.checkpoint}\\.safetensors: target_encoder, ViT 48 wide, 2 deep, 3 heads, patch 7, image 28 x 28 x 1`));
    const run = await readCheckpointFile(join(runDir, `${trained.checkpoint}.safetensors`));
    const { encoder } = createEncoderFromCheckpoint(run);
    try {
      const normalization = (run.manifest as { meta: { state: { config: { normalization: Normalization } } } }).meta.state.config.normalization;
      const grey = pictures.map((picture) => prepareImage(rgbaToImage(withAlpha(picture), FIXTURE_IMAGE_SIZE, FIXTURE_IMAGE_SIZE, 1), 28));
      const runFeatures = await extractFeatures(
        encoder,
        { images: Float32Array.from(grey.flatMap((image) => [...image.data])), labels: new Int32Array(3), count: 3, height: 28, width: 28, channels: 1, classNames: ['image'] },
        { normalization },
      );
      const runDim = encoder.embedDim;
      let runWorst = 0;
      reopened.images.forEach((image, i) => image.features!.forEach((v, d) => (runWorst = Math.max(runWorst, Math.abs(v - runFeatures[i * runDim + d]!)))));
      expect(runWorst).toBeLessThan(1e-4);
    } finally {
      encoder.dispose();
    }

    // One Two Rooms episode planned by CEM through the simulator, replayed on the canvas.
    await page.click('#plan-button');
    await idle();
    const planned = (await snapshot()).plannedEpisode;
    expect(planned).toMatchObject({ index: 0, steps: 200 });
    expect(Number.isFinite(planned!.finalDistance)).toBe(true);
    expect(await page.textContent('#plan-status')).toMatch(/^Episode 0: (reached|missed) the goal/);

    await mkdir(resultsDir, { recursive: true });
    await page.screenshot({ path: join(resultsDir, 'web-app.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
    await page.close();
  }, 120_000);
});
