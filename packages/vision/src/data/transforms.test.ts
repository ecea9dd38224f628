import { describe, expect, it } from 'vitest';
import { createImage, mulberry32, type ImageData32, type UniformSource } from '@jepa/core';
import {
  centerCrop,
  horizontalFlip,
  IMAGENET_MEAN,
  IMAGENET_STD,
  MNIST_MEAN,
  MNIST_STD,
  normalize,
  randomHorizontalFlip,
  randomResizedCrop,
  resize,
  resizedCrop,
  sampleRandomResizedCropBox,
} from './transforms.js';

/** Replays `values` as uniform draws and counts them. */
function scripted(values: number[]): UniformSource & { used: number } {
  const source = {
    used: 0,
    uniform() {
      if (source.used >= values.length) throw new Error('scripted rng ran out of values');
      return values[source.used++];
    },
  };
  return source;
}

/** 7x9 single-channel test pattern; `channels` > 1 adds offsets per channel. */
function pattern(height = 7, width = 9, channels = 1): ImageData32 {
  const image = createImage(height, width, channels);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      for (let c = 0; c < channels; c++) image.data[(y * width + x) * channels + c] = ((y * 13 + x * 7) % 17) / 16 + c;
  return image;
}

/** Produced by Pillow 9.4 `Image.fromarray(pattern, 'F').resize((width, height), BILINEAR, box)`. */
const PIL_CASES = [
  { box: {left: 0, top: 0, width: 9, height: 7}, height: 4, width: 5,
    expected: [0.3937075, 0.4920015, 0.4375, 0.4724702, 0.4880952, 0.6255357, 0.5026562, 0.525, 0.4060937, 0.52, 0.4175, 0.5314062, 0.57, 0.5384375, 0.54875, 0.4494048, 0.4650298, 0.5, 0.4549851, 0.5654762] },
  { box: {left: 1.5, top: 2, width: 6.5, height: 4.25}, height: 3, width: 4,
    expected: [0.5337269, 0.5450892, 0.4782597, 0.3855463, 0.5635336, 0.6075695, 0.4700617, 0.6339431, 0.4799528, 0.4079894, 0.5875524, 0.5311781] },
  { box: {left: 2, top: 1, width: 3, height: 3}, height: 7, width: 6,
    expected: [0.5870536, 0.5401786, 0.2276786, 0.1808036, 0.3995536, 0.5424107, 0.5178571, 0.4709821, 0.234375, 0.1875, 0.3303571, 0.5111607, 0.5245536, 0.4776786, 0.46875, 0.421875, 0.3370536, 0.4040179, 0.53125, 0.484375, 0.703125, 0.65625, 0.34375, 0.296875, 0.4241071, 0.3772321, 0.5959821, 0.6629464, 0.578125, 0.53125, 0.3169643, 0.2700893, 0.4888393, 0.6696429, 0.8125, 0.765625, 0.4375, 0.390625, 0.4575893, 0.6004464, 0.8191964, 0.7723214] },
  { box: {left: 0, top: 0, width: 9, height: 7}, height: 13, width: 11,
    expected: [0, 0.3181818, 0.6761364, 0.6477273, 0.3295455, 0.6875, 0.1761364, 0.3409091, 0.6988636, 0.7670454, 0.3125, 0.25, 0.3304196, 0.5992133, 0.5708042, 0.2526224, 0.6105769, 0.3666958, 0.3828671, 0.6219406, 0.6901224, 0.2355769, 0.6875, 0.3518356, 0.4645979, 0.4361888, 0.118007, 0.4759615, 0.7001748, 0.4562937, 0.4873252, 0.555507, 0.1009615, 0.7163461, 0.5590035, 0.5157343, 0.4501748, 0.3177448, 0.3413461, 0.6993007, 0.3811189, 0.3527098, 0.5323427, 0.375, 0.5817308, 0.840472, 0.6411713, 0.5236014, 0.6512238, 0.2067308, 0.5646853, 0.2465035, 0.2180944, 0.5537587, 0.8125, 0.4471154, 0.7652972, 0.5437063, 0.4187063, 0.6726398, 0.5625, 0.5192308, 0.423951, 0.3509615, 0.4414336, 0.7596154, 0.3125, 0.6306818, 0.4090909, 0.2840909, 0.6420454, 1, 0.4886364, 0.6534091, 0.5284091, 0.3068182, 0.625, 0.1778846, 0.4960664, 0.5865385, 0.5135489, 0.5074301, 0.8653846, 0.354021, 0.5187937, 0.6538461, 0.5882867, 0.4903846, 0.125, 0.3837413, 0.7194056, 0.6909965, 0.3728147, 0.7307692, 0.2862762, 0.4138986, 0.7421328, 0.8103147, 0.3557692, 0.5625, 0.4051573, 0.5847902, 0.5563811, 0.2381993, 0.5961539, 0.6197553, 0.4873252, 0.6075175, 0.6756993, 0.2211538, 0.8365384, 0.381993, 0.4501748, 0.4812063, 0.2373252, 0.4615385, 0.819493, 0.5013112, 0.4729021, 0.5856643, 0.25, 0.7019231, 0.2473776, 0.3155594, 0.5546329, 0.5708042, 0.3269231, 0.6848776, 0.3666958, 0.3382867, 0.6070804, 0.6875, 0.625, 0.1704545, 0.2386364, 0.5965909, 0.7613636, 0.25, 0.6079546, 0.2897727, 0.2613636, 0.6193182, 0.9375] },
  { box: {left: 3, top: 0, width: 6, height: 7}, height: 2, width: 2,
    expected: [0.4760982, 0.4914608, 0.5190569, 0.5327035] },
];

describe('resizedCrop', () => {
  it('matches Pillow bilinear (antialiased) resampling for down-, up-scaling and fractional boxes', () => {
    const image = pattern();
    for (const { box, height, width, expected } of PIL_CASES) {
      const out = resizedCrop(image, box, { height, width });
      expect([out.height, out.width, out.channels]).toEqual([height, width, 1]);
      out.data.forEach((value, i) => expect(value).toBeCloseTo(expected[i], 6));
    }
  });

  it('resamples each channel of an RGB image independently', () => {
    const rgb = pattern(7, 9, 3);
    const { box, height, width, expected } = PIL_CASES[1];
    const out = resizedCrop(rgb, box, { height, width });
    for (let i = 0; i < height * width; i++)
      for (let c = 0; c < 3; c++) expect(out.data[i * 3 + c]).toBeCloseTo(expected[i] + c, 5);
  });

  it('is the identity at the same size and rejects boxes outside the image', () => {
    const image = pattern();
    expect(resizedCrop(image, { top: 0, left: 0, height: 7, width: 9 }, { height: 7, width: 9 }).data).toEqual(image.data);
    expect(() => resizedCrop(image, { top: 1, left: 0, height: 7, width: 9 }, 3)).toThrow(/does not lie inside the 7x9 image/);
  });
});

describe('resize and centerCrop', () => {
  it('resizes the shorter side and truncates the longer one, as torchvision Resize(int)', () => {
    const out = resize(pattern(7, 9), 5);
    expect([out.height, out.width]).toEqual([5, 6]); // 5 * 9 / 7 = 6.43
    const exact = resize(pattern(7, 9), { height: 4, width: 5 });
    exact.data.forEach((v, i) => expect(v).toBeCloseTo(PIL_CASES[0].expected[i], 6));
  });

  it('crops the centre with torchvision rounding and refuses crops larger than the image', () => {
    const image = pattern(7, 9);
    const out = centerCrop(image, { height: 4, width: 4 });
    // top = round(1.5) = 2, left = round(2.5) = 2 (halves to even, as Python)
    expect(out.data[0]).toBe(image.data[2 * 9 + 2]);
    expect(out.data[15]).toBe(image.data[5 * 9 + 5]);
    expect(() => centerCrop(image, 8)).toThrow(/8x8 crop does not fit in a 7x9 image.*resize/);
  });
});

describe('sampleRandomResizedCropBox', () => {
  it('follows torchvision get_params: area, log-ratio, top, left', () => {
    // area = 784 * (0.3 + 0.7 * 0.5) = 509.6, ratio = exp(0) = 1 -> w = h = round(22.57) = 23
    const rng = scripted([0.5, 0.5, 0, 0.999]);
    expect(sampleRandomResizedCropBox(28, 28, rng)).toEqual({ top: 0, left: 5, height: 23, width: 23 });
    expect(rng.used).toBe(4);
  });

  it('falls back to a ratio-clamped centre crop after 10 failed attempts', () => {
    const rng = scripted(new Array(20).fill(0.5));
    const box = sampleRandomResizedCropBox(28, 28, rng, { scale: [0.9, 1], ratio: [2, 3] });
    expect(rng.used).toBe(20);
    expect(box).toEqual({ top: 7, left: 0, height: 14, width: 28 });
  });

  it('keeps every box inside the image with plausible area and aspect', () => {
    const rng = mulberry32(1);
    for (let i = 0; i < 500; i++) {
      const box = sampleRandomResizedCropBox(28, 28, rng);
      expect(box.top + box.height).toBeLessThanOrEqual(28);
      expect(box.left + box.width).toBeLessThanOrEqual(28);
      expect(box.height * box.width).toBeGreaterThanOrEqual(0.25 * 784);
    }
  });

  it('rejects invalid scale and ratio with the defaults in the message', () => {
    expect(() => sampleRandomResizedCropBox(8, 8, mulberry32(0), { scale: [0.8, 0.3] })).toThrow(/scale.*default \[0.3, 1.0\]/);
    expect(() => sampleRandomResizedCropBox(8, 8, mulberry32(0), { ratio: [0, 1] })).toThrow(/ratio/);
  });
});

describe('randomResizedCrop', () => {
  it('is deterministic for a seed and outputs the requested size', () => {
    const image = pattern(28, 28, 1);
    const a = randomResizedCrop(image, 28, mulberry32(7));
    const b = randomResizedCrop(image, 28, mulberry32(7));
    expect([a.height, a.width, a.channels]).toEqual([28, 28, 1]);
    expect(a.data).toEqual(b.data);
    expect(randomResizedCrop(image, { height: 10, width: 12 }, mulberry32(7)).data.length).toBe(120);
  });

  it('is fast enough to run per MNIST sample', () => {
    const image = pattern(28, 28, 1);
    const rng = mulberry32(3);
    const start = performance.now();
    for (let i = 0; i < 2000; i++) randomResizedCrop(image, 28, rng);
    const perSample = (performance.now() - start) / 2000;
    expect(perSample).toBeLessThan(1); // milliseconds; typically ~0.02
  });
});

describe('flips and normalize', () => {
  it('mirrors left to right, per pixel across channels', () => {
    const image = pattern(2, 3, 2);
    const flipped = horizontalFlip(image);
    for (let y = 0; y < 2; y++)
      for (let x = 0; x < 3; x++)
        for (let c = 0; c < 2; c++) expect(flipped.data[(y * 3 + x) * 2 + c]).toBe(image.data[(y * 3 + 2 - x) * 2 + c]);
    expect(horizontalFlip(flipped).data).toEqual(image.data);
  });

  it('randomHorizontalFlip flips when the draw is below p', () => {
    const image = pattern(2, 3, 1);
    expect(randomHorizontalFlip(image, scripted([0.9]))).toBe(image);
    expect(randomHorizontalFlip(image, scripted([0.1])).data).toEqual(horizontalFlip(image).data);
  });

  it('normalises per channel and checks the statistics match the channels', () => {
    const image = createImage(1, 2, 3, Float32Array.from([0.485, 0.456, 0.406, 0.714, 0.68, 0.631]));
    const out = normalize(image, IMAGENET_MEAN, IMAGENET_STD);
    [0, 0, 0, 1, 1, 1].forEach((v, i) => expect(out.data[i]).toBeCloseTo(v, 5));
    const grey = normalize(createImage(1, 1, 1, Float32Array.from([0.1307 + 0.3081])), MNIST_MEAN, MNIST_STD);
    expect(grey.data[0]).toBeCloseTo(1, 6);
    expect(() => normalize(image, MNIST_MEAN, MNIST_STD)).toThrow(/3 channel\(s\) but mean has 1.*IMAGENET_MEAN/);
  });
});
