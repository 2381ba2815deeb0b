import { errorStatusCode } from './errors.js';
import type { Handler } from './handler.js';
import type { Metrics } from './metrics.js';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * Time every request a plugin's handler serves into `portalkit_http_request_duration_seconds`,
 * labelled by method, the plugin's mount point (`route`) and status class (`2xx`). All three
 * come from small fixed sets: a request's path or an unknown method never becomes a label value.
 */
export function instrumentHandler(handler: Handler, route: string, metrics: Metrics): Handler {
  const duration = metrics.histogram({
    name: 'portalkit_http_request_duration_seconds',
    help: 'HTTP requests served by portal plugins, by method, mount point and status class',
    labelNames: ['method', 'route', 'status_class'],
  });
  return async (request) => {
    const method = METHODS.has(request.method) ? request.method : 'OTHER';
    const end = duration.startTimer({ method, route });
    try {
      const response = await handler(request);
      end({ status_class: `${Math.floor(response.status / 100)}xx` });
      return response;
    } catch (error) {
      end({ status_class: `${Math.floor(errorStatusCode(error) / 100)}xx` });
      throw error;
    }
  };
}

/** `GET <path>` answers the registry in Prometheus' text format; every other request is `undefined`. */
export function createMetricsRoute(metrics: Metrics, path: string): (request: Request) => Promise<Response> | undefined {
  return (request) => {
    if (request.method !== 'GET' || new URL(request.url).pathname !== path) return undefined;
    return metrics.render().then((text) => new Response(text, { headers: { 'content-type': metrics.contentType, 'cache-control': 'no-store' } }));
  };
}
