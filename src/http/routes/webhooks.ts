/**
 * Platform webhooks: POST /webhooks/{platform}/{storeId}. Public (no bearer key): each delivery is authenticated
 * by its HMAC signature over the raw body (request.rawBody), checked in constant time by the connector.
 */
import type { FastifyInstance } from 'fastify';
import type { RouteDeps } from '../app.ts';

export function webhookRoutes(_app: FastifyInstance, _deps: RouteDeps): void {
  // Wired once the platform connectors export their verify/parse functions.
}
