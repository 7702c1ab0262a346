import { ids } from '../ids';
import { optionalText, requiredName, type FieldPath } from '../validate';

export interface JobFields {
  namespace: string;
  name: string;
  description?: string | null;
}

export interface NormalizedJob {
  id: string;
  namespace: string;
  name: string;
  description: string | null;
}

/** Checks a job named by a front door; `path` says where each field was (see FieldPath). */
export function normalizeJob(input: JobFields, path: FieldPath): NormalizedJob {
  const namespace = requiredName(path('namespace'), input.namespace);
  const name = requiredName(path('name'), input.name);
  return { id: ids.job(namespace, name), namespace, name, description: optionalText(path('description'), input.description) };
}
