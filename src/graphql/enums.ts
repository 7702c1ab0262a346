/**
 * GraphQL enums built from core's vocabulary (src/core/vocabulary.ts), so that the API names exactly the values
 * the graph holds. type-graphql registers an enum from an object of GraphQL name → value.
 */
export function graphqlEnum<T extends string>(values: readonly T[], nameOf: (value: T) => string = (value) => value): Record<string, T> {
  return Object.fromEntries(values.map((value) => [nameOf(value), value]));
}

/** `DatasetVersion` → `DATASET_VERSION`: GraphQL enum names are UPPER_SNAKE, graph labels PascalCase. */
export function upperSnake(label: string): string {
  return label.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}
