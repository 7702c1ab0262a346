import DataLoader from 'dataloader';
import type { Severity } from './quality-facets';
import type { Assessment, AssessmentSet, QualityAssessmentService } from './quality-assessment.service';
import type { QualityKey, QualityService } from './quality.service';
import type { Staleness, StalenessService } from './staleness.service';

export interface StalenessKey {
  /** A deployment or model version. */
  id: string;
  asOf: string;
}

export interface AssessmentKey {
  id: string;
  asOf: string;
  minSeverity: Severity;
  maxDepth: number | null;
  maxNodes: number | null;
}

/**
 * Per-request loaders of the quality fields. Keys carry their instant; a field asked without `asOf` means the
 * time of the request, one instant for the whole request, so that its fields batch together.
 */
/** The services the quality fields read (the composition root's Services has them). */
export interface QualityReaders {
  quality: QualityService;
  staleness: StalenessService;
  qualityAssessment: QualityAssessmentService;
}

export function createQualityLoaders(services: QualityReaders, now: Date = new Date()) {
  return {
    requestTime: now.toISOString(),
    versionQuality: new DataLoader((keys: readonly QualityKey[]) => services.quality.versionQuality(keys), {
      maxBatchSize: 1_000,
      cacheKeyFn: (key) => `${key.versionId}|${key.asOf}|${key.minSeverity}`,
    }),
    staleness: new DataLoader(
      async (keys: readonly StalenessKey[]) => {
        const byInstant = new Map<string, string[]>();
        for (const key of keys) byInstant.set(key.asOf, [...(byInstant.get(key.asOf) ?? []), key.id]);
        const found = new Map<string, Staleness | null>();
        for (const [asOf, ids] of byInstant) {
          const answers = await services.staleness.of(ids, asOf);
          ids.forEach((id, index) => found.set(`${id}|${asOf}`, answers[index]!));
        }
        return keys.map((key) => found.get(`${key.id}|${key.asOf}`) ?? null);
      },
      { maxBatchSize: 1_000, cacheKeyFn: (key) => `${key.id}|${key.asOf}` },
    ),
    /** Deployments and model versions asked with the same options share one walk. */
    assessment: new DataLoader(
      async (keys: readonly AssessmentKey[]) => {
        const groups = new Map<string, AssessmentKey[]>();
        for (const key of keys) {
          const options = JSON.stringify([key.asOf, key.minSeverity, key.maxDepth, key.maxNodes]);
          groups.set(options, [...(groups.get(options) ?? []), key]);
        }
        const answers = new Map<AssessmentKey, { set: AssessmentSet; assessment: Assessment | null }>();
        for (const group of groups.values()) {
          const { asOf, minSeverity, maxDepth, maxNodes } = group[0]!;
          const { set, byId } = await services.qualityAssessment.assess(
            group.map((key) => key.id),
            { asOf, minSeverity, maxDepth, maxNodes },
          );
          for (const key of group) answers.set(key, { set, assessment: byId.get(key.id) ?? null });
        }
        return keys.map((key) => answers.get(key)!);
      },
      { maxBatchSize: 1_000, cacheKeyFn: (key) => JSON.stringify([key.id, key.asOf, key.minSeverity, key.maxDepth, key.maxNodes]) },
    ),
  };
}
