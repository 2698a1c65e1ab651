/** gRPC status codes and the error type handlers throw to end a call with one. */

/** gRPC status codes (grpc/doc/statuscodes.md). */
export const Code = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
} as const;

/** A gRPC status code number. */
export type StatusCode = (typeof Code)[keyof typeof Code];

/** Ends a call with a gRPC status other than OK. */
export class GrpcError extends Error {
  constructor(
    readonly status: number,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'GrpcError';
  }

  /** The error's code name, e.g. "InvalidArgument" (as grpc-go prints it). */
  get codeName(): string {
    return codeName(this.status);
  }
}

const NAMES = [
  'OK',
  'Canceled',
  'Unknown',
  'InvalidArgument',
  'DeadlineExceeded',
  'NotFound',
  'AlreadyExists',
  'PermissionDenied',
  'ResourceExhausted',
  'FailedPrecondition',
  'Aborted',
  'OutOfRange',
  'Unimplemented',
  'Internal',
  'Unavailable',
  'DataLoss',
  'Unauthenticated',
];

/** The grpc-go name of a status code. */
export function codeName(code: number): string {
  return NAMES[code] ?? `Code(${code})`;
}

/** Percent-encodes a grpc-message value (gRPC HTTP/2 spec: bytes outside 0x20-0x7E and '%'). */
export function encodeGrpcMessage(msg: string): string {
  let out = '';
  for (const b of Buffer.from(msg, 'utf8')) {
    out +=
      b >= 0x20 && b <= 0x7e && b !== 0x25
        ? String.fromCharCode(b)
        : '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

/** Decodes a percent-encoded grpc-message value (lenient: bad escapes are kept). */
export function decodeGrpcMessage(v: string): string {
  if (!v.includes('%')) return v;
  const bytes: number[] = [];
  for (let i = 0; i < v.length; i++) {
    if (v[i] === '%' && /^[0-9a-fA-F]{2}$/.test(v.slice(i + 1, i + 3))) {
      bytes.push(parseInt(v.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(...Buffer.from(v[i], 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}
