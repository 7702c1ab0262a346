import type { Database } from './db/database';
import type { ServiceInfo } from './system/service-info.type';

/** The services the front doors (GraphQL, OpenLineage route, CLI) may call; built once in the composition root. */
export interface Services {
  serviceInfo(): ServiceInfo;
}

export function createServices(db: Database, version: string): Services {
  return {
    serviceInfo: () => ({ version, database: db.databaseName }),
  };
}
