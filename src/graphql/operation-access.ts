import { Kind, type DocumentNode, type FragmentDefinitionNode, type GraphQLSchema, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import { hasRole, type Role } from '../auth/principal';

/**
 * The role a GraphQL operation needs: reader for a query, writer for a mutation, or more when one of its root
 * fields says so with `@Extensions({ role: 'admin' })` (type-graphql puts it in the field's extensions). Root
 * fields only: everything below a root field is reachable only through it. So a mutation added by anyone needs
 * writer without declaring anything, and checking happens before any resolver runs.
 */
export interface RequiredAccess {
  role: Role;
  /** What needs the role, for the error message: `mutation createApiKey`. */
  what: string;
}

const ROLES: readonly Role[] = ['reader', 'writer', 'admin'];

export function requiredAccess(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode): RequiredAccess {
  const kind = operation.operation;
  let access: RequiredAccess = { role: kind === 'query' ? 'reader' : 'writer', what: `${kind} ${operation.name?.value ?? '(anonymous)'}` };
  const rootType = schema.getRootType(kind);
  if (!rootType) return access;
  const fields = rootType.getFields();
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const visit = (selectionSet: SelectionSetNode, seen: Set<string>) => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const role = fields[selection.name.value]?.extensions?.role as Role | undefined;
        if (role && ROLES.includes(role) && !hasRole({ name: '', role: access.role }, role)) {
          access = { role, what: `${kind} field ${selection.name.value}` };
        }
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        visit(selection.selectionSet, seen);
      } else {
        const fragment = fragments.get(selection.name.value);
        if (fragment && !seen.has(fragment.name.value)) visit(fragment.selectionSet, new Set([...seen, fragment.name.value]));
      }
    }
  };
  visit(operation.selectionSet, new Set());
  return access;
}
