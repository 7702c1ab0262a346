import { ids } from '../ids';
import { optionalText, requiredName } from '../validate';

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

export function normalizeJob(field: string, input: JobFields): NormalizedJob {
  const namespace = requiredName(`${field}.namespace`, input.namespace);
  const name = requiredName(`${field}.name`, input.name);
  return { id: ids.job(namespace, name), namespace, name, description: optionalText(`${field}.description`, input.description) };
}
