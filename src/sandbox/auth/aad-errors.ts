/** Microsoft identity platform (AADSTS) error responses of the token endpoint. */
import type { SandboxRequest, SandboxResponse } from '../http/service.js';

export function aadError(
  req: SandboxRequest,
  status: number,
  error: string,
  code: number,
  description: string,
): SandboxResponse {
  const timestamp = new Date()
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');
  const correlationId = req.clientRequestId ?? req.requestId;
  return {
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'x-ms-request-id': req.requestId },
    body: {
      error,
      error_description: `AADSTS${code}: ${description} Trace ID: ${req.requestId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
      error_codes: [code],
      timestamp,
      trace_id: req.requestId,
      correlation_id: correlationId,
      error_uri: `https://login.microsoftonline.com/error?code=${code}`,
    },
  };
}
