/**
 * L7 records as Cilium's proxy reports them: HTTP (and gRPC, which is HTTP/2 POST
 * `/package.Service/Method`) and Kafka requests/responses, with Summary strings exactly as
 * Cilium writes them (hubble-flow.md §2.10).
 */
import type { HTTPHeader, Layer7 } from '../flow/index.js';
import { uuidFrom } from './clock.js';
import type { Prng } from './prng.js';

/** An HTTP exchange to report. */
export interface HttpExchange {
  protocol: string;
  method: string;
  url: string;
  grpc: boolean;
}

const UA_HTTP = Object.freeze({ key: 'user-agent', value: 'Go-http-client/1.1' });
const UA_GRPC = Object.freeze({ key: 'user-agent', value: 'grpc-go/1.64.0' });
const CT_GRPC = Object.freeze({ key: 'content-type', value: 'application/grpc' });
const CT_JSON = Object.freeze({ key: 'content-type', value: 'application/json' });
const GRPC_STATUS = new Map<number, HTTPHeader>();

/** gRPC status codes used for failed calls. */
export const GRPC_UNAVAILABLE = 14;

/** The request record and its Summary. */
export function httpRequest(x: HttpExchange, prng: Prng): { l7: Layer7; summary: string; requestId: string } {
  const requestId = uuidFrom(prng);
  const headers = x.grpc
    ? [CT_GRPC, UA_GRPC, { key: 'x-request-id', value: requestId }]
    : [UA_HTTP, { key: 'x-request-id', value: requestId }];
  return {
    l7: { type: 'REQUEST', http: { method: x.method, url: x.url, protocol: x.protocol, headers } },
    summary: `${x.protocol} ${x.method} ${x.url}`,
    requestId,
  };
}

/** The response record and its Summary (latency printed in whole milliseconds, truncated). */
export function httpResponse(
  x: HttpExchange,
  code: number,
  latencyNs: number,
  requestId: string,
  grpcStatus = 0,
): { l7: Layer7; summary: string } {
  const headers: HTTPHeader[] = [x.grpc ? CT_GRPC : CT_JSON, { key: 'x-request-id', value: requestId }];
  if (x.grpc) {
    let h = GRPC_STATUS.get(grpcStatus);
    if (!h)
      GRPC_STATUS.set(grpcStatus, (h = Object.freeze({ key: 'grpc-status', value: String(grpcStatus) })));
    headers.push(h);
  }
  return {
    l7: {
      type: 'RESPONSE',
      latency_ns: String(latencyNs),
      http: { code, method: x.method, url: x.url, protocol: x.protocol, headers },
    },
    summary: `${x.protocol} ${code} ${Math.floor(latencyNs / 1e6)}ms (${x.method} ${x.url})`,
  };
}

/** A Kafka request record and its Summary. */
export function kafkaRequest(
  apiKey: string,
  apiVersion: number,
  correlationId: number,
  topic: string,
): { l7: Layer7; summary: string } {
  return {
    l7: {
      type: 'REQUEST',
      kafka: { api_version: apiVersion, api_key: apiKey, correlation_id: correlationId, topic },
    },
    summary: `Kafka request ${apiKey} correlation id ${correlationId} topic '${topic}'`,
  };
}

/** A Kafka response record and its Summary. */
export function kafkaResponse(
  apiKey: string,
  apiVersion: number,
  correlationId: number,
  topic: string,
  errorCode: number,
  latencyNs: number,
): { l7: Layer7; summary: string } {
  const kafka =
    errorCode !== 0
      ? {
          error_code: errorCode,
          api_version: apiVersion,
          api_key: apiKey,
          correlation_id: correlationId,
          topic,
        }
      : { api_version: apiVersion, api_key: apiKey, correlation_id: correlationId, topic };
  return {
    l7: { type: 'RESPONSE', latency_ns: String(latencyNs), kafka },
    summary: `Kafka response ${apiKey} correlation id ${correlationId} topic '${topic}' return code ${errorCode}`,
  };
}
