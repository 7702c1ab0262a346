import DataLoader from 'dataloader';
import type { Services } from '../../services';
import type { QualityKey } from './quality.service';

/**
 * Per-request loaders of the quality fields. Keys carry their instant; a field asked without `asOf` means the
 * time of the request, one instant for the whole request, so that its fields batch together.
 */
export function createQualityLoaders(services: Services, now: Date = new Date()) {
  return {
    requestTime: now.toISOString(),
    versionQuality: new DataLoader((keys: readonly QualityKey[]) => services.quality.versionQuality(keys), {
      maxBatchSize: 1_000,
      cacheKeyFn: (key) => `${key.versionId}|${key.asOf}|${key.minSeverity}`,
    }),
  };
}
