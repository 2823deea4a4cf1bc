import type { DocarrayVersion } from '../../protocol/document.ts';

export interface DataRoute {
  method: 'POST' | 'PUT' | 'DELETE';
  path: string;
  /** The executor endpoint the route fixes; undefined for v1 `/post`, which reads `execEndpoint`. */
  execEndpoint: string | undefined;
}

/**
 * The data routes of Jina's HTTP gateway (docs/jina-protocols.md §1.6). docarray v1: `/post`
 * plus the CRUD set (`POST /index`, `POST /search`, `PUT /update`, `DELETE /delete`).
 * docarray v2: `POST /<endpoint>` for each executor endpoint, no `/post`.
 */
export function httpDataRoutes(docarray: DocarrayVersion, endpoints: readonly string[]): DataRoute[] {
  if (docarray === 'v1') {
    return [
      { method: 'POST', path: '/post', execEndpoint: undefined },
      { method: 'POST', path: '/index', execEndpoint: '/index' },
      { method: 'POST', path: '/search', execEndpoint: '/search' },
      { method: 'PUT', path: '/update', execEndpoint: '/update' },
      { method: 'DELETE', path: '/delete', execEndpoint: '/delete' },
    ];
  }
  return endpoints.map((endpoint) => {
    const path = endpoint.startsWith('/') ? endpoint : `/${endpoint}`;
    return { method: 'POST' as const, path, execEndpoint: path };
  });
}

/** A minimal OpenAPI document listing the data routes: Jina's Python HTTP client reads its paths. */
export function openApiDocument(routes: readonly DataRoute[]): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    paths[route.path] = { ...paths[route.path], [route.method.toLowerCase()]: { summary: `Endpoint ${route.execEndpoint ?? '(execEndpoint)'}` } };
  }
  return { openapi: '3.0.2', info: { title: 'Jina HTTP gateway (jina-stress reference)', version: '1' }, paths };
}
