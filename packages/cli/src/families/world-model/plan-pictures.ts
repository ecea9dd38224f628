import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import type { PlanningEpisodeResult, TwoRoomsPicture } from '@jepa/hierarchy';

/** Draws an episode (walls, start, goal, the first positions of its path) at a scale: the environment's picture function. */
export type EpisodeDrawer = (episode: PlanningEpisodeResult<unknown>, path: Float64Array, scale: number) => TwoRoomsPicture;

/** Picture pixels per world pixel of the PNGs (a 260 x 260 picture) and of the GIF frames (195 x 195). */
const PNG_SCALE = 4;
const GIF_SCALE = 3;
/** At most this many GIF frames: the path is drawn this many times, a little longer each time. */
const GIF_FRAMES = 50;
/** Milliseconds per GIF frame; the last frame stays this many times longer. */
const GIF_DELAY_MS = 80;
const GIF_LAST_FRAME_HOLD = 15;

/** The file name of an episode's picture: `episode-007.png`. */
export const episodePictureName = (index: number, extension: 'png' | 'gif') => `episode-${String(index).padStart(3, '0')}.${extension}`;

/** Writes `episode-NNN.png` (walls, start, goal with its success ring, the executed path) for each episode into `dir`; returns the file names. */
export async function writeEpisodePngs(dir: string, episodes: ReadonlyArray<PlanningEpisodeResult<unknown>>, draw: EpisodeDrawer): Promise<string[]> {
  const names: string[] = [];
  for (const episode of episodes) {
    const picture = draw(episode, episode.path, PNG_SCALE);
    const name = episodePictureName(episode.index, 'png');
    await sharp(Buffer.from(picture.data.buffer, picture.data.byteOffset, picture.data.byteLength), { raw: { width: picture.width, height: picture.height, channels: picture.channels } })
      .png()
      .toFile(join(dir, name));
    names.push(name);
  }
  return names;
}

/**
 * Writes `episode-NNN.gif`: the episode's path growing from the start to its end in up to
 * {@link GIF_FRAMES} frames (the last one held), looping. The frames are stacked into one tall raw
 * image with `pageHeight` and encoded by sharp (libvips' GIF writer). Returns the file name.
 */
export async function writeEpisodeGif(dir: string, episode: PlanningEpisodeResult<unknown>, draw: EpisodeDrawer): Promise<string> {
  const positions = episode.path.length / 2;
  const frameCount = Math.min(GIF_FRAMES, positions);
  const frames: Uint8Array[] = [];
  let width = 0;
  let height = 0;
  for (let f = 1; f <= frameCount; f++) {
    // Frame f shows the first ceil(f / frameCount * positions) positions; the last frame the whole path.
    const shown = Math.max(1, Math.ceil((f / frameCount) * positions));
    const picture = draw(episode, episode.path.subarray(0, 2 * shown), GIF_SCALE);
    width = picture.width;
    height = picture.height;
    frames.push(picture.data);
  }
  const stacked = Buffer.alloc(frames.reduce((total, frame) => total + frame.length, 0));
  let offset = 0;
  for (const frame of frames) {
    stacked.set(frame, offset);
    offset += frame.length;
  }
  const delay = frames.map((_, i) => (i === frames.length - 1 ? GIF_DELAY_MS * GIF_LAST_FRAME_HOLD : GIF_DELAY_MS));
  const name = episodePictureName(episode.index, 'gif');
  const gif = await sharp(stacked, { raw: { width, height: height * frames.length, channels: 3, pageHeight: height } }).gif({ delay, loop: 0 }).toBuffer();
  await writeFile(join(dir, name), gif);
  return name;
}
