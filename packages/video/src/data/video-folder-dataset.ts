import { scanClassFolder } from '@jepa/core/node';
import { VideoClipDataset, type VideoDatasetOptions } from './video-dataset.js';

/** Video file extensions read by default (lower case; matching ignores case). */
export const DEFAULT_VIDEO_EXTENSIONS: readonly string[] = ['.mp4', '.m4v', '.mov', '.mkv', '.webm', '.avi', '.mpg', '.mpeg', '.ogv', '.flv', '.wmv'];

/** Options for {@link loadVideoFolder}. */
export interface LoadVideoFolderOptions extends VideoDatasetOptions {
  /** File extensions to keep, with the dot, any case. Default {@link DEFAULT_VIDEO_EXTENSIONS}. */
  readonly extensions?: readonly string[];
  /** Keep class folders that hold no video (their labels stay reserved). Default false. */
  readonly allowEmptyClasses?: boolean;
  /** Probe every file now (see `VideoClipDataset.validate`). Default false: files are read lazily. */
  readonly validate?: boolean;
}

/**
 * A dataset of videos laid out as `root/<class>/<video>` (videos may sit in sub-folders of a class
 * folder): classes are the sub-folders sorted by name, label = index, as torchvision's
 * `ImageFolder` (the indexing is `scanClassFolder` of @jepa/core with video extensions).
 * Unreadable videos throw a `VideoDecodeError` naming the file when read, or are skipped and listed
 * in `skipped` with `skipCorrupt: true`.
 */
export async function loadVideoFolder(root: string, options: LoadVideoFolderOptions): Promise<VideoClipDataset> {
  const { extensions = DEFAULT_VIDEO_EXTENSIONS, allowEmptyClasses, validate, ...datasetOptions } = options;
  const index = await scanClassFolder(root, { extensions, allowEmptyClasses, fileKind: 'video', where: `loadVideoFolder(${root})` });
  const dataset = new VideoClipDataset(index.samples, index.classNames, datasetOptions, `loadVideoFolder(${index.root})`);
  if (validate) await dataset.validate();
  return dataset;
}
