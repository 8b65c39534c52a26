/** Access scopes: the error Shopify answers for a field the token's scopes do not cover. */
import { GraphQLError } from 'graphql';

/**
 * Shopify's answer to a field the token's scopes do not cover (wording from Shopify's changelog and error
 * messages apps have reported): the field resolves to null with this error.
 */
export function accessDenied(field: string, scopes: string[]): GraphQLError {
  const required = scopes.map((s) => `\`${s}\` access scope`).join(' or ');
  return new GraphQLError(`Access denied for ${field} field. Required access: ${required}.`, {
    extensions: { code: 'ACCESS_DENIED', documentation: 'https://shopify.dev/api/usage/access-scopes', requiredAccess: `${required}.` },
  });
}

