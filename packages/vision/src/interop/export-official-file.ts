import { writeSafetensorsFile } from '@jepa/core/node';
import { officialExportMetadata, officialStateDict, type ExportSource, type OfficialExport, type OfficialExportOptions } from './export-official.js';

/**
 * Writes an I-JEPA (or one module) to a safetensors file with the official parameter names (see
 * {@link OfficialExportOptions}), atomically (Node only; `@jepa/vision/node`). The metadata records
 * the format, the modules, the prefix, the model sizes (`jepa.model`, JSON) and the epoch when
 * given ({@link officialExportMetadata}).
 */
export async function exportOfficialSafetensors(path: string, source: ExportSource, options: OfficialExportOptions = {}): Promise<OfficialExport> {
  const tensors = await officialStateDict(source, options);
  const metadata = officialExportMetadata(source, options);
  await writeSafetensorsFile(path, tensors, metadata);
  return { path, keys: [...tensors.keys()], metadata };
}
