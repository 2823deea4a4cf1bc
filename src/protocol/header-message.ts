import type { ExceptionInfo, RequestHeader, Route, Status } from './data-request.ts';
import { microsToTimestamp, timestampToMicros, type TimestampMessage } from './timestamp.ts';

/** StatusProto / HeaderProto / RouteProto ↔ the model, in protobufjs message form. */

export interface StatusMessage {
  code?: number;
  description?: string;
  exception?: ExceptionMessage | null;
}

interface ExceptionMessage {
  name?: string;
  args?: string[];
  stacks?: string[];
  executor?: string;
}

export interface HeaderMessage {
  requestId?: string;
  status?: StatusMessage | null;
  execEndpoint?: string | null;
  targetExecutor?: string | null;
  timeout?: number | null;
}

export interface RouteMessage {
  executor?: string;
  startTime?: TimestampMessage | null;
  endTime?: TimestampMessage | null;
  status?: StatusMessage | null;
}

/**
 * Defaults are left unset, as proto3 writers do: protobufjs writes any field that is set, even
 * to 0 or '', and a healthy dry run must be the empty StatusProto (0 bytes) Jina sends.
 */
export function statusToMessage(status: Status): StatusMessage {
  const message: StatusMessage = {};
  if (status.code !== 0) message.code = status.code;
  if (status.description) message.description = status.description;
  if (status.exception) {
    const { name, args, stacks, executor } = status.exception;
    const exception: ExceptionMessage = { args, stacks };
    if (name) exception.name = name;
    if (executor) exception.executor = executor;
    message.exception = exception;
  }
  return message;
}

export function statusFromMessage(message: StatusMessage): Status {
  const status: Status = { code: message.code ?? 0, description: message.description ?? '' };
  if (message.exception) status.exception = exceptionFromMessage(message.exception);
  return status;
}

function exceptionFromMessage(message: ExceptionMessage): ExceptionInfo {
  return {
    name: message.name ?? '',
    args: Array.from(message.args ?? []),
    stacks: Array.from(message.stacks ?? []),
    executor: message.executor ?? '',
  };
}

export function headerToMessage(header: RequestHeader): HeaderMessage {
  const message: HeaderMessage = { requestId: header.requestId };
  if (header.status) message.status = statusToMessage(header.status);
  // proto3 `optional`: set means present on the wire, even when empty.
  if (header.execEndpoint !== undefined) message.execEndpoint = header.execEndpoint;
  if (header.targetExecutor !== undefined) message.targetExecutor = header.targetExecutor;
  if (header.timeout !== undefined) message.timeout = header.timeout;
  return message;
}

export function headerFromMessage(message: HeaderMessage | null | undefined): RequestHeader {
  const header: RequestHeader = { requestId: message?.requestId ?? '' };
  if (!message) return header;
  if (message.status) header.status = statusFromMessage(message.status);
  if (message.execEndpoint != null) header.execEndpoint = message.execEndpoint;
  if (message.targetExecutor != null) header.targetExecutor = message.targetExecutor;
  if (message.timeout != null) header.timeout = message.timeout;
  return header;
}

export function routeToMessage(route: Route): RouteMessage {
  const message: RouteMessage = { executor: route.executor };
  if (route.startUs !== undefined) message.startTime = microsToTimestamp(route.startUs);
  if (route.endUs !== undefined) message.endTime = microsToTimestamp(route.endUs);
  if (route.status) message.status = statusToMessage(route.status);
  return message;
}

export function routeFromMessage(message: RouteMessage): Route {
  const route: Route = { executor: message.executor ?? '' };
  if (message.startTime) route.startUs = timestampToMicros(message.startTime);
  if (message.endTime) route.endUs = timestampToMicros(message.endTime);
  if (message.status) route.status = statusFromMessage(message.status);
  return route;
}
