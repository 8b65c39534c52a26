/** Request counts and latency per route, registered in the registry /metrics serves (the engine's). */
import type { FastifyInstance } from 'fastify';
import { Counter, Histogram, type Registry } from 'prom-client';

export function installHttpMetrics(app: FastifyInstance, registry: Registry): void {
  // Several apps may share one registry (tests, the demo): reuse the metrics when already registered.
  const requests = (registry.getSingleMetric('dropsync_http_requests_total') as Counter<'method' | 'route' | 'status'> | undefined)
    ?? new Counter({ name: 'dropsync_http_requests_total', help: 'HTTP requests by route and status', labelNames: ['method', 'route', 'status'], registers: [registry] });
  const duration = (registry.getSingleMetric('dropsync_http_request_seconds') as Histogram<'method' | 'route'> | undefined)
    ?? new Histogram({
      name: 'dropsync_http_request_seconds', help: 'HTTP request latency by route', labelNames: ['method', 'route'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5], registers: [registry],
    });
  app.addHook('onResponse', async (request, reply) => {
    // The route pattern, not the URL, so ids do not explode the label set; unknown routes share one label.
    const route = request.routeOptions.url ?? 'unmatched';
    requests.inc({ method: request.method, route, status: String(reply.statusCode) });
    duration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
  });
}
