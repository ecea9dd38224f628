import { Rng } from '@jepa/core';
import { getImage, uniformInt, type LabeledImages, type UniformSource } from '@jepa/core';
import { createVideoClip, type VideoClip } from '../decode/video-clip.js';

/** Moving MNIST frames are 64 x 64 by default, as in Srivastava et al. (2015). */
export const MOVING_MNIST_SIZE = 64;

/** Direction class names for 8 classes: counter-clockwise from "right", 45 degrees apart. */
export const MOVING_MNIST_DIRECTIONS_8: readonly string[] = ['right', 'up-right', 'up', 'up-left', 'left', 'down-left', 'down', 'down-right'];
/** Direction class names for 4 classes: counter-clockwise from "right", 90 degrees apart. */
export const MOVING_MNIST_DIRECTIONS_4: readonly string[] = ['right', 'up', 'left', 'down'];

/** Options for {@link generateMovingMnistClip}. */
export interface MovingMnistOptions {
  /** Frames per clip. Default 20 (the classic dataset). */
  readonly numFrames?: number;
  /** Frame side. Default 64. */
  readonly size?: number;
  /** Digits per clip. Default 2. */
  readonly numDigits?: number;
  /** Speed in pixels per frame. Default 3.6 (the classic 0.1 of the 36-pixel range). */
  readonly speed?: number;
  /** Direction classes: 4 or 8. Default 8. */
  readonly directionClasses?: 4 | 8;
}

/** One generated clip and its labels. */
export interface MovingMnistClip {
  /** `[T, size, size, 1]`, values 0..1 (digits combined by maximum). */
  readonly clip: VideoClip;
  /** Class of each digit, e.g. `[3, 8]`. */
  readonly digits: readonly number[];
  /** Index of each digit in the source set. */
  readonly sourceIndices: readonly number[];
  /** Initial velocity of each digit, `[vx, vy]` in pixels per frame (y points down). */
  readonly velocities: readonly (readonly [number, number])[];
  /** Top-left corner of each digit in each frame: `[numDigits][T]` of `[x, y]` (integers drawn). */
  readonly positions: readonly (readonly (readonly [number, number])[])[];
  /** Label for digit identity: the first digit's class (0..9). */
  readonly digitLabel: number;
  /** Label for the digit pair: `10 * digits[0] + digits[1]` (0..99; equals digitLabel with one digit). */
  readonly pairLabel: number;
  /** Label for motion: the first digit's initial direction quantised into `directionClasses` bins. */
  readonly directionLabel: number;
}

/**
 * The direction class of a velocity `(vx, vy)` (image coordinates, y down): the angle
 * `atan2(-vy, vx)` (counter-clockwise from "right", as seen on screen) rounded to the nearest of
 * `classes` equally spaced directions. Class `k` is centred on `k * 360 / classes` degrees, so with
 * 8 classes 0 = right, 1 = up-right, 2 = up, ... 7 = down-right (see {@link MOVING_MNIST_DIRECTIONS_8}).
 */
export function directionClass(vx: number, vy: number, classes: 4 | 8 = 8): number {
  const angle = Math.atan2(-vy, vx);
  const bin = Math.round(angle / ((2 * Math.PI) / classes));
  return ((bin % classes) + classes) % classes;
}

function checkOptions(options: MovingMnistOptions, digits: LabeledImages, where: string) {
  const numFrames = options.numFrames ?? 20;
  const size = options.size ?? MOVING_MNIST_SIZE;
  const numDigits = options.numDigits ?? 2;
  const speed = options.speed ?? 3.6;
  const directionClasses = options.directionClasses ?? 8;
  if (!Number.isInteger(numFrames) || numFrames < 1) throw new RangeError(`${where}: numFrames must be a positive integer, got ${numFrames}.`);
  if (!Number.isInteger(numDigits) || numDigits < 1) throw new RangeError(`${where}: numDigits must be a positive integer, got ${numDigits}.`);
  if (!(speed >= 0) || !Number.isFinite(speed)) throw new RangeError(`${where}: speed must be a non-negative number, got ${speed}.`);
  if (directionClasses !== 4 && directionClasses !== 8) throw new RangeError(`${where}: directionClasses must be 4 or 8, got ${directionClasses}.`);
  if (digits.channels !== 1) throw new RangeError(`${where}: digits must be greyscale (1 channel), got ${digits.channels}.`);
  if (digits.count === 0) throw new RangeError(`${where}: the digit set is empty.`);
  if (!Number.isInteger(size) || size < Math.max(digits.height, digits.width)) {
    throw new RangeError(`${where}: size must be an integer >= the digit size ${digits.width}, got ${size}.`);
  }
  return { numFrames, size, numDigits, speed, directionClasses };
}

/**
 * One Moving MNIST clip (Srivastava et al., 2015): `numDigits` digits drawn from `digits` (e.g.
 * `loadMnist().train` of @jepa/vision, passed in) start at random places, move in straight lines at `speed`
 * pixels per frame in a uniformly random direction, and bounce off the frame's edges; frames
 * combine them by the pixel-wise maximum. Deterministic for a given `rng` state.
 *
 * Labels: `digitLabel` is the first digit's class; `pairLabel` the ordered pair; `directionLabel`
 * the first digit's initial direction quantised by {@link directionClass} (bounces change the
 * direction later; the label is the direction it starts with).
 */
export function generateMovingMnistClip(digits: LabeledImages, rng: UniformSource, options: MovingMnistOptions = {}): MovingMnistClip {
  const { numFrames, size, numDigits, speed, directionClasses } = checkOptions(options, digits, 'generateMovingMnistClip');
  const { height: digitHeight, width: digitWidth } = digits;
  const rangeX = size - digitWidth;
  const rangeY = size - digitHeight;
  const clip = createVideoClip(numFrames, size, size, 1);
  const sourceIndices: number[] = [];
  const classes: number[] = [];
  const velocities: Array<[number, number]> = [];
  const positions: Array<Array<[number, number]>> = [];

  for (let d = 0; d < numDigits; d++) {
    const source = uniformInt(rng, 0, digits.count);
    sourceIndices.push(source);
    classes.push(digits.labels[source]);
    const image = getImage(digits, source).data;
    let x = rng.uniform() * rangeX;
    let y = rng.uniform() * rangeY;
    const theta = rng.uniform() * 2 * Math.PI;
    let vx = speed * Math.cos(theta);
    let vy = speed * Math.sin(theta);
    velocities.push([vx, vy]);
    const track: Array<[number, number]> = [];
    for (let t = 0; t < numFrames; t++) {
      const left = Math.round(x);
      const top = Math.round(y);
      track.push([left, top]);
      const frame = t * size * size;
      for (let row = 0; row < digitHeight; row++) {
        for (let col = 0; col < digitWidth; col++) {
          const value = image[row * digitWidth + col];
          const at = frame + (top + row) * size + left + col;
          if (value > clip.data[at]) clip.data[at] = value;
        }
      }
      x += vx;
      y += vy;
      if (x <= 0) [x, vx] = [-x, -vx];
      if (x >= rangeX) [x, vx] = [2 * rangeX - x, -vx];
      if (y <= 0) [y, vy] = [-y, -vy];
      if (y >= rangeY) [y, vy] = [2 * rangeY - y, -vy];
      x = Math.min(Math.max(x, 0), rangeX);
      y = Math.min(Math.max(y, 0), rangeY);
    }
    positions.push(track);
  }
  return {
    clip,
    digits: classes,
    sourceIndices,
    velocities,
    positions,
    digitLabel: classes[0],
    pairLabel: numDigits > 1 ? 10 * classes[0] + classes[1] : classes[0],
    directionLabel: directionClass(velocities[0][0], velocities[0][1], directionClasses),
  };
}

/** Options for {@link movingMnistClips}. */
export interface MovingMnistClipsOptions extends MovingMnistOptions {
  /** Clips (or videos) to make. */
  readonly count: number;
  /** Default 0. */
  readonly seed?: number;
  /**
   * The digit images (greyscale, e.g. `loadMnist().train` of @jepa/vision, or any `LabeledImages`
   * of small glyphs); their labels become the clips' digit labels.
   */
  readonly digits: LabeledImages;
}

export function requireDigits(digits: LabeledImages | undefined, where: string): LabeledImages {
  if (!digits || typeof digits !== 'object' || !(digits.images instanceof Float32Array)) {
    throw new TypeError(`${where}: options.digits must be a LabeledImages set of greyscale digits, e.g. loadMnist().train from @jepa/vision.`);
  }
  return digits;
}

/** `count` clips generated in order from one `Rng(seed)`: the same seed gives the same clips. */
export function* movingMnistClips(options: MovingMnistClipsOptions): Generator<MovingMnistClip> {
  const count = options.count;
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`movingMnistClips: count must be a non-negative integer, got ${count}.`);
  const digits = requireDigits(options.digits, 'movingMnistClips');
  const rng = new Rng(options.seed ?? 0);
  for (let i = 0; i < count; i++) yield generateMovingMnistClip(digits, rng, options);
}
